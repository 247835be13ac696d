"""What a user did wrong, as opposed to a bug: the DozorError family. Messages are in Russian, for staff.

    raise ConfigError("для источников VK нужен сервисный ключ доступа в DOZOR_VK__TOKEN")
    raise UsageError("--date: ожидается дата ISO (2026-03-30), а не «вчера»")
    raise NotFound("для задачи topics нет действующей модели")

`dozor` (pipeline/commands) prints a DozorError as one line «Ошибка: …» and exits with code 2; any other
exception is a bug and shows its traceback. Adapters raise their own subclasses (storage.clickhouse.StoreError,
classifiers.registry.ArtifactError, alerting.bot_api.BotApiError).
"""
from __future__ import annotations


class DozorError(Exception):
    """Something the user can fix: the message says what and, where it can, how. `dozor` prints
    «{title}: {message} ({hint})»; a subclass may name its kind (title) and what to check (hint)."""

    title = "Ошибка"
    hint = ""


class ConfigError(DozorError):
    """A setting, a configuration file (sources, gazetteer, campaigns) or a credential is missing or wrong."""


class UsageError(DozorError):
    """A command's argument or an input file the user gave cannot be used."""


class NotFound(DozorError):
    """Something named by the user (a model version, a query, a risk) does not exist."""
