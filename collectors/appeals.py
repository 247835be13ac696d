"""Appeals from files into records, pure apart from reading: CSV / XLSX exports (ПОС «Решаем вместе», the
document system) in the column mapping of docs/appeals.md, and the city portal's JSON lines.

    for item in read_appeals(Path("pos.csv"), "csv", preset="pos", tz=ZoneInfo("Europe/Moscow")):
        ...   # an Appeal, or a DeadLetter with the reason in Russian

A table holds one row per answer (or one row for an appeal without one); rows with the same id are one appeal.
"""
from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from collectors.file_items import shown
from core.records import Appeal, AppealAnswer, AppealEvent, DeadLetter

# canonical field -> the column names accepted for it (case and ё ignored); first match wins
PRESETS: dict[str, dict[str, tuple[str, ...]]] = {
    "pos": {"id": ("номер сообщения", "номер", "id"), "received_at": ("дата создания", "дата поступления"),
            "text": ("текст сообщения", "текст"), "category": ("категория", "подкатегория"),
            "address": ("адрес",), "org": ("ответственный", "исполнитель"), "status": ("статус",),
            "closed_at": ("дата закрытия",), "answer": ("текст ответа", "ответ"), "answered_at": ("дата ответа",),
            "answer_org": ("организация ответа", "ответил"), "answer_kind": ("вид ответа",),
            "rating": ("оценка", "оценка заявителя"), "author": ("заявитель", "автор"), "channel": ("канал",),
            "deadline_at": ("срок ответа", "срок")},
    "edo": {"id": ("рег. номер", "регистрационный номер", "номер"), "received_at": ("дата регистрации",),
            "text": ("содержание", "краткое содержание", "текст обращения"), "category": ("тематика", "рубрика"),
            "address": ("адрес",), "org": ("исполнитель", "ответственный исполнитель"),
            "status": ("состояние", "статус"),
            "closed_at": ("дата снятия с контроля", "дата закрытия"), "answer": ("текст ответа", "ответ"),
            "answered_at": ("дата ответа", "дата исполнения"), "answer_org": ("подписал", "организация ответа"),
            "answer_kind": ("вид ответа",), "rating": ("оценка",), "author": ("заявитель",), "channel": ("канал",),
            "deadline_at": ("срок исполнения", "срок")},
}
CHANNELS = {"pos": "pos", "edo": "59fz"}
RATINGS = {"удовлетворен": "satisfied", "удовлетворена": "satisfied", "да": "satisfied", "5": "satisfied",
           "4": "satisfied", "satisfied": "satisfied", "не удовлетворен": "not_satisfied", "нет": "not_satisfied",
           "1": "not_satisfied", "2": "not_satisfied", "not_satisfied": "not_satisfied"}
PORTAL_EVENTS = {"closed_as_satisfied": "satisfied", "repeat_petition": "not_satisfied",
                 "repeat_petition_on_moderation": "not_satisfied"}
MAX_TEXT = 20_000


class BadAppeal(ValueError):
    """The row cannot become an appeal; the message is the reason in Russian."""


def parse_time(value, tz: ZoneInfo, field: str) -> datetime:
    if isinstance(value, datetime):
        at = value
    else:
        text = str(value or "").strip()
        if not text:
            raise BadAppeal(f"нет значения «{field}»")
        for fmt in ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y"):
            try:
                at = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            try:
                at = datetime.fromisoformat(text)
            except ValueError:
                raise BadAppeal(f"не удалось прочитать дату «{field}»: «{text[:40]}»") from None
    return at.replace(tzinfo=tz) if at.tzinfo is None else at


def _optional_time(value, tz: ZoneInfo, field: str) -> datetime | None:
    return None if value in (None, "") else parse_time(value, tz, field)


def _key(name: str) -> str:
    return " ".join(str(name or "").lower().replace("ё", "е").split())


def resolve_columns(header: list[str], preset: str) -> dict[str, str]:
    """canonical field -> the header's column. Refuses a header without id, date and text."""
    if preset not in PRESETS:
        raise ValueError(f"неизвестная раскладка столбцов «{preset}»; есть: {', '.join(PRESETS)}")
    by_key = {_key(h): h for h in header if h}
    found = {}
    for field, names in PRESETS[preset].items():
        for name in names:
            if _key(name) in by_key:
                found[field] = by_key[_key(name)]
                break
    lacking = [f for f in ("id", "received_at", "text") if f not in found]
    if lacking:
        names = ", ".join(f"«{PRESETS[preset][f][0]}»" for f in lacking)
        raise ValueError(f"в заголовке нет столбцов {names} (раскладка {preset}, docs/appeals.md)")
    return found


def appeal_from_rows(rows: list[dict], columns: dict[str, str], preset: str, tz: ZoneInfo) -> Appeal:
    """Rows of one appeal (one per answer) -> Appeal."""
    get = lambda row, f: row.get(columns[f]) if f in columns else None  # noqa: E731
    first = rows[0]
    raw_id = str(get(first, "id") or "").strip()
    if not raw_id:
        raise BadAppeal("нет номера обращения")
    text = str(get(first, "text") or "").strip()
    if not text:
        raise BadAppeal("пустой текст обращения")
    if len(text) > MAX_TEXT:
        raise BadAppeal(f"текст обращения длиннее {MAX_TEXT} символов")
    source = preset
    appeal_id = f"{source}:{raw_id}"
    answers = []
    for row in rows:
        body = str(get(row, "answer") or "").strip()
        if not body:
            continue
        at = parse_time(get(row, "answered_at"), tz, "дата ответа")
        kind = "intermediate" if "промежут" in _key(get(row, "answer_kind") or "") else "final"
        answers.append(AppealAnswer("", at, body, str(get(row, "answer_org") or get(row, "org") or "").strip(), kind))
    answers.sort(key=lambda a: a.answered_at)
    answers = [AppealAnswer(f"{appeal_id}#{i}", a.answered_at, a.text, a.org, a.kind) for i, a in enumerate(answers)]
    rated = [RATINGS.get(_key(get(row, "rating") or ""), "") for row in rows]
    rating = next((r for r in rated if r), "")
    channel = _key(get(first, "channel") or "")
    channel = "59fz" if "59" in channel else ("pos" if channel in ("пос", "pos") else CHANNELS[preset])
    closed = next((c for r in rows if (c := _optional_time(get(r, "closed_at"), tz, "дата закрытия"))), None)
    rated_at = closed or (answers[-1].answered_at if answers else None)
    events = (AppealEvent(rated_at, rating),) if rating and rated_at else ()
    return Appeal(appeal_id=appeal_id, source=source, channel=channel,
                  received_at=parse_time(get(first, "received_at"), tz, "дата поступления"), text=text,
                  category=str(get(first, "category") or "").strip(), address=str(get(first, "address") or "").strip(),
                  org=str(get(first, "org") or "").strip(),
                  status=next((str(s).strip() for r in rows if (s := get(r, "status"))), ""),
                  closed_at=closed, deadline_at=_optional_time(get(first, "deadline_at"), tz, "срок ответа"),
                  rating=rating, author=str(get(first, "author") or "").strip() or None, answers=tuple(answers),
                  events=events)


def _table_rows(path: Path, fmt: str) -> Iterator[tuple[int, dict]]:
    if fmt == "csv":
        with open(path, encoding="utf-8-sig", newline="") as f:
            sample = f.read(4096)
            f.seek(0)
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample else csv.excel
            for i, row in enumerate(csv.DictReader(f, dialect=dialect), start=2):
                yield i, row
        return
    from openpyxl import load_workbook
    sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(h or "").strip() for h in next(rows, ())]
    for i, values in enumerate(rows, start=2):
        if any(v not in (None, "") for v in values):
            yield i, dict(zip(header, values, strict=False))


def read_table(path: Path, fmt: str, preset: str, tz: ZoneInfo, now: datetime) -> Iterator[Appeal | DeadLetter]:
    grouped: dict[str, list[tuple[int, dict]]] = {}
    columns = None
    for line, row in _table_rows(path, fmt):
        if columns is None:
            columns = resolve_columns(list(row), preset)
        key = str(row.get(columns["id"]) or "").strip()
        grouped.setdefault(key or f"#{line}", []).append((line, row))
    for lines in grouped.values():
        try:
            yield appeal_from_rows([r for _, r in lines], columns, preset, tz)
        except BadAppeal as e:
            raw = json.dumps([{k: str(v) for k, v in r.items()} for _, r in lines], ensure_ascii=False)
            yield DeadLetter(f"{shown(path.name)}:{lines[0][0]}", raw, str(e), now)


def appeal_from_portal(obj: dict, tz: ZoneInfo) -> Appeal:
    """One line of the portal's JSON (the shape of ../shared/datasets/spb-answers) -> Appeal."""
    if not isinstance(obj, dict) or "id" not in obj:
        raise BadAppeal("нет номера сообщения (поле id)")
    text = str(obj.get("text") or "").strip()
    if not text:
        raise BadAppeal("пустой текст сообщения")
    appeal_id = f"portal:{obj['id']}"
    answers = []
    for i, a in enumerate(sorted(obj.get("answers") or [], key=lambda a: a.get("dt") or "")):
        answers.append(AppealAnswer(f"{appeal_id}#{i}", parse_time(a.get("dt"), tz, "answers.dt"),
                                    str(a.get("text") or ""), str(a.get("org") or ""), a.get("kind") or "final"))
    events = [AppealEvent(parse_time(s["dt"], tz, "statuses.dt"), "status", s.get("name") or "")
              for s in obj.get("statuses") or []]
    events += [AppealEvent(parse_time(f["dt"], tz, "citizen_followups.dt"), PORTAL_EVENTS.get(f["type"], f["type"]),
                           f.get("text") or "") for f in obj.get("citizen_followups") or []]
    events += [AppealEvent(parse_time(r["dt"], tz, "reroutes.dt"), "rerouted", r.get("text") or "")
               for r in obj.get("reroutes") or []]
    final = str(obj.get("final_status") or "")
    closed = [e.at for e in events if e.event == "status" and e.detail.startswith("Завершено")]
    ratings = [e.event for e in events if e.event in ("satisfied", "not_satisfied")]
    return Appeal(appeal_id=appeal_id, source="portal", channel="portal",
                  received_at=parse_time(obj.get("created_dt"), tz, "created_dt"), text=text,
                  category=" / ".join(str(obj[k]) for k in ("category", "reason") if obj.get(k)),
                  address=str(obj.get("district") or ""), org=answers[-1].org if answers else "",
                  status=final, closed_at=closed[-1] if closed else None,
                  deadline_at=portal_deadline(obj, tz), rating=ratings[-1] if ratings else "",
                  answers=tuple(answers), events=tuple(sorted(events, key=lambda e: (e.at, e.event))))


def portal_deadline(obj: dict, tz: ZoneInfo) -> datetime | None:
    """The portal's own deadline: the last «срок решения изменен с … на DD.MM.YYYY» of a reroute, else none."""
    for r in reversed(obj.get("reroutes") or []):
        text = r.get("text") or ""
        if " на " in text and "срок" in text:
            tail = text.rsplit(" на ", 1)[1].strip(" .")
            try:
                return datetime.strptime(tail[:10], "%d.%m.%Y").replace(hour=23, minute=59, tzinfo=tz)
            except ValueError:
                continue
    return None


def read_portal(path: Path, tz: ZoneInfo, now: datetime) -> Iterator[Appeal | DeadLetter]:
    with open(path, encoding="utf-8", errors="strict") as f:
        for line_no, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                yield appeal_from_portal(json.loads(line), tz)
            except json.JSONDecodeError as e:
                yield DeadLetter(f"{shown(path.name)}:{line_no}", line[:100_000], f"не JSON: {e.msg}", now)
            except (BadAppeal, KeyError, TypeError) as e:
                reason = str(e) if isinstance(e, BadAppeal) else f"нет поля или неверный тип: {e}"
                yield DeadLetter(f"{shown(path.name)}:{line_no}", line[:100_000], reason, now)


MOSCOW = ZoneInfo("Europe/Moscow")


def read_appeals(path: Path, fmt: str, preset: str = "pos", tz: ZoneInfo = MOSCOW,
                 now: datetime | None = None) -> Iterator[Appeal | DeadLetter]:
    now = now or datetime.now(timezone.utc)
    if fmt == "portal-jsonl":
        return read_portal(path, tz, now)
    if fmt in ("csv", "xlsx"):
        return read_table(path, fmt, preset, tz, now)
    raise ValueError(f"неизвестный формат «{fmt}»: csv, xlsx или portal-jsonl")
