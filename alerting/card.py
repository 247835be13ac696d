"""The alert card as the chat shows it: Telegram HTML (parse_mode HTML) and its inline keyboard. Pure.

Every piece of text that comes from posts, settings or staff is escaped, so a post cannot break the markup or
smuggle a link; only http(s) URLs become links. The same card is re-rendered as the story grows and the risk
moves through its lifecycle, and the chat edits the one message that shows it.
"""
from __future__ import annotations

from datetime import tzinfo
from html import escape

from alerting.lifecycle import OPEN, Risk, Sla
from alerting.render import LEVEL_MARK, local_time, place_text, plural, shorten
from alerting.risk_text import sla_text, state_text
from core.records import Alert
from core.taxonomy import Topic

LIMIT = 4096                      # Telegram's message length


def topic_name(topic: str, topics: dict[str, Topic]) -> str:
    return topics[topic].name if topic in topics else topic


def link(url: str | None, label: str) -> str:
    if url and url.lower().startswith(("http://", "https://")):
        return f'<a href="{escape(url, quote=True)}">{escape(label)}</a>'
    return escape(label)


def card_html(alert: Alert, risk: Risk | None, topics: dict[str, Topic], tz: tzinfo, sla: Sla,
              mentions: tuple[str, ...] = ()) -> str:
    topic = topic_name(risk.topic if risk and risk.topic else alert.topic, topics)
    place = place_text(alert)
    lines = [
        f"{LEVEL_MARK.get(alert.level, '')} <b>{escape(alert.level.upper())} · {escape(topic)} · {escape(place)}</b>",
        f"Риск <code>{escape(alert.alert_id)}</code>: "
        f"{plural(len(alert.post_uids), 'сообщение', 'сообщения', 'сообщений')} из "
        f"{plural(len(alert.sources), 'источника', 'источников', 'источников')}, "
        f"негативных {round(alert.negative_share * 100)}%",
        f"Первое: {local_time(alert.first_at, tz)} · последнее: {local_time(alert.last_at, tz)}",
    ]
    if alert.why:
        lines.append(f"Почему один сюжет: {escape(alert.why)}")
    if risk is not None:
        lines.append(escape(state_text(risk)))
        if risk.state not in ("false_alarm", "worked_out"):
            lines.append(escape(sla_text(risk, sla, tz)))
    for text, url in alert.snippets:
        lines.append(f"• «{escape(shorten(text))}» — {link(url, 'источник')}" if url
                     else f"• «{escape(shorten(text))}»")
    if mentions and alert.level == "критический" and (risk is None or risk.is_open):
        lines.append("Внимание: " + " ".join(escape(m) for m in mentions))
    text = "\n".join(lines)
    return text if len(text) <= LIMIT else "\n".join(lines[:5]) + "\n…"


def keyboard(alert_id: str, risk: Risk | None) -> dict:
    """Buttons for an open risk; a closed one keeps none. callback_data is "<action>:<alert_id>"."""
    if risk is not None and risk.state not in OPEN:
        return {"inline_keyboard": []}
    row1 = [{"text": "Взять в работу", "callback_data": f"take:{alert_id}"},
            {"text": "Ложное срабатывание", "callback_data": f"false:{alert_id}"}]
    row2 = [{"text": "Сменить тему", "callback_data": f"topic:{alert_id}"},
            {"text": "Отработано", "callback_data": f"done:{alert_id}"}]
    return {"inline_keyboard": [row1, row2]}


def topic_keyboard(alert_id: str, current: str, topics: dict[str, Topic]) -> dict:
    """The topic picker «Сменить тему» opens: two topics a row, then «Отмена»."""
    choices = [{"text": t.name, "callback_data": f"settopic:{alert_id}:{key}"}
               for key, t in topics.items() if key != current]
    rows = [choices[i:i + 2] for i in range(0, len(choices), 2)]
    return {"inline_keyboard": rows + [[{"text": "Отмена", "callback_data": f"card:{alert_id}"}]]}


def notice_html(alert: Alert, line: str, topics: dict[str, Topic]) -> str:
    """A lifecycle change posted under the card: which risk, and what happened with the figures."""
    return (f"<b>{escape(alert.alert_id)}</b> · {escape(topic_name(alert.topic, topics))} · "
            f"{escape(place_text(alert))}\n{escape(line)}")
