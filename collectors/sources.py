"""The district's sources as configuration: a YAML file an operator edits.

    sources:
      - {platform: vk, id: podslushano_demyansk, name: Подслушано в Демянске, kind: public, settlement: Демянск}
      - {platform: vk, id: -193847201, name: Администрация округа, kind: official, poll_s: 600}
      - {platform: telegram, id: demyansk_chat, name: Чат Демянска, kind: chat, poll_s: 120}

Every mistake is reported at once, all of them together, in Russian, with the entry's number: the operator fixes
the file in one go instead of restarting the service once per typo.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from core.errors import ConfigError
from core.sources import SOURCE_KINDS, SourceConfig

PLATFORMS = ("vk", "telegram")
FIELDS = {"platform", "id", "name", "kind", "settlement", "poll_s"}
MIN_POLL_S = 10


class SourcesError(ConfigError):
    """The sources file cannot be used; str(e) lists every problem in Russian."""


def parse_sources(data: object, settlements: set[str] | None = None) -> list[SourceConfig]:
    """The `sources:` mapping as loaded from YAML -> SourceConfig list, or SourcesError naming every problem.

    settlements: the gazetteer's canonical names; a settlement hint outside it is an error (a typo there would
    silently place every post of the source nowhere)."""
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise SourcesError("в файле источников нет списка «sources:»")
    problems: list[str] = []
    out: list[SourceConfig] = []
    seen: dict[str, int] = {}
    for n, entry in enumerate(data["sources"], start=1):
        where = f"источник №{n}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: ожидается словарь полей, а не {type(entry).__name__}")
            continue
        errors = _check(entry, settlements)
        if errors:
            problems.extend(f"{where}: {e}" for e in errors)
            continue
        source = SourceConfig(platform=entry["platform"], id=str(entry["id"]).strip(),
                              name=str(entry.get("name") or ""), kind=entry.get("kind", "public"),
                              settlement=entry.get("settlement"), poll_s=int(entry.get("poll_s", 300)))
        if source.key in seen:
            problems.append(f"{where}: повторяет источник №{seen[source.key]} ({source.key})")
            continue
        seen[source.key] = n
        out.append(source)
    if problems:
        raise SourcesError("ошибки в файле источников:\n  " + "\n  ".join(problems))
    if not out:
        raise SourcesError("в файле источников нет ни одного источника")
    return out


def _check(entry: dict, settlements: set[str] | None) -> list[str]:
    errors = [f"неизвестное поле «{k}» (допустимы: {', '.join(sorted(FIELDS))})" for k in entry if k not in FIELDS]
    if entry.get("platform") not in PLATFORMS:
        errors.append(f"platform должно быть vk или telegram, а не «{entry.get('platform')}»")
    if entry.get("id") in (None, "") or isinstance(entry.get("id"), (list, dict, bool)):
        errors.append("не указан id (числовой id или короткое имя)")
    kind = entry.get("kind", "public")
    if kind not in SOURCE_KINDS:
        errors.append(f"kind должно быть одним из {', '.join(SOURCE_KINDS)}, а не «{kind}»")
    poll = entry.get("poll_s", 300)
    if isinstance(poll, bool) or not isinstance(poll, int) or poll < MIN_POLL_S:
        errors.append(f"poll_s — целое число секунд не меньше {MIN_POLL_S}, а не «{poll}»")
    hint = entry.get("settlement")
    if hint is not None and settlements is not None and hint not in settlements:
        errors.append(f"населённого пункта «{hint}» нет в справочнике (gazetteer)")
    return errors


def load_sources(path: Path, settlements: set[str] | None = None) -> list[SourceConfig]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise SourcesError(f"файл источников {path} — не YAML: {e}") from None
    return parse_sources(data, settlements)
