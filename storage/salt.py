"""The key behind authors' pseudonyms: configured, or generated once into the data directory.

    salt = author_salt(settings)       # DOZOR_CLICKHOUSE__AUTHOR_SALT, else <data_dir>/author_salt (created, 0600)

With an empty key the pseudonyms are a plain hash of the author id, and a dictionary of ids reverses them; so an
install that configures none gets a random 256-bit key on first start, kept beside the data it protects (a backup
of the data directory keeps both). Several hosts writing one database (Kafka mode) must share it: configure it.
"""
from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

log = logging.getLogger(__name__)
FILE = "author_salt"


def process_salt() -> str:
    """A random key for stores opened without settings (tests, benchmarks): stable within the process only."""
    global _PROCESS
    if not _PROCESS:
        _PROCESS = secrets.token_hex(32)
    return _PROCESS


_PROCESS = ""


def read_or_create(path: Path) -> str:
    """The key kept in `path`; created (random, owner-only 0600) when the file does not exist yet."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:                       # another process created it a moment ago
        return _read(path)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secrets.token_hex(32) + "\n")
    log.warning("создан ключ псевдонимов авторов %s (храните его вместе с данными)", path)
    return _read(path)


def _read(path: Path) -> str:
    salt = path.read_text(encoding="ascii").strip()
    if not salt:
        raise ValueError(f"файл ключа псевдонимов {path} пуст: удалите его, чтобы создать новый, или задайте "
                         "DOZOR_CLICKHOUSE__AUTHOR_SALT")
    return salt


def author_salt(settings) -> str:
    configured = settings.clickhouse.author_salt
    if configured is not None and configured.get_secret_value():
        return configured.get_secret_value()
    return read_or_create(Path(settings.data_dir) / FILE)
