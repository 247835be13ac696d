"""The bot's draft check (issue 19): before publishing an answer to residents, staff send `/check <draft>` —
alone, as a reply to a risk's card (then the draft is compared with the complaint: its subject and place), or as
a reply to a message holding the draft. The bot answers with the verdict residents would likely read and a
checklist of what the draft lacks, in Russian. Pure: the model is passed in, the message is Telegram HTML.

    draft = draft_of("/check Яма заделана 12.04, фото прилагается", replied_text="")
    check_text(model.check(draft, appeal=complaint_of(alert)), compared=True)
"""
from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from alerting.answers import parse_reply
from classifiers.answer_missing import PHRASES
from core.records import Alert

if TYPE_CHECKING:                                # the model (scikit-learn) is loaded by the bot on the first /check
    from classifiers.answer_quality import AnswerCheck

MIN_DRAFT = 10

VERDICT_MEANING = {
    "решено": "проблема устранена или названо действие с датой",
    "разъяснение": "объяснение без действия по устранению",
    "отписка": "формальный ответ без существа",
    "переадресовано": "проблема передана другим",
}
# the guidelines' codes (classifiers/answer_missing.py) grouped into the questions staff ask of a draft.
# `off_topic` is left out: its rule (the answer and the complaint name no common object) flagged 23 labelled answers
# of batches 1-2 and none of them was «не по существу» for the labellers (bench/results/answers.json): too weak
# evidence to tell staff a draft misses the point.
CHECKS = (
    ("Суть и место жалобы", ("wrong_place", "partial")),
    ("Действие, срок, ответственный", ("no_action", "no_date", "no_result", "no_addressee")),
    ("Подтверждение (фото, акт)", ("no_evidence",)),
    ("Без шаблонов и голых ссылок на нормы", ("boilerplate", "law_only", "no_reason")),
    ("Без противоречий", ("contradiction",)),
)
ADVICE = {
    "no_action": "напишите, что сделано или будет сделано",
    "no_date": "назовите срок работ: число, месяц или квартал с годом",
    "no_result": "скажите, устранена ли сама проблема",
    "no_evidence": "упомяните фото, акт или данные мониторинга",
    "off_topic": "ответьте о том, на что жалуются жители",
    "wrong_place": "сверьте адрес и объект с жалобой",
    "partial": "ответьте на все вопросы жалобы",
    "boilerplate": "напишите, что именно, где и когда сделано",
    "law_only": "напишите факты и действия по этому случаю, а не пересказ норм",
    "no_reason": "объясните причину отказа для этого случая",
    "no_addressee": "назовите организацию и как с ней связаться",
    "contradiction": "уберите противоречие: ответ и утверждает, и отрицает одно и то же",
}
USAGE = ("Пришлите черновик ответа после команды: /check текст ответа. Отправьте команду ответом на карточку "
         "риска — черновик будет сверен с жалобой (суть и место); или ответом на сообщение с черновиком.")


def draft_of(text: str, replied_text: str = "") -> str:
    """The draft: the command's text, else the replied-to message's; the seed format's platforms and links
    (alerting.answers) are dropped, so a ready-to-register answer can be checked as it is."""
    parts = text.split(maxsplit=1)
    body = parts[1] if len(parts) > 1 else ""
    return parse_reply(body or replied_text).text


def complaint_of(alert: Alert) -> str:
    """What the residents wrote, for comparing a draft with: the story's snippets, its street and object."""
    parts = [t for t, _ in alert.snippets] + [p for p in (alert.street, alert.object) if p]
    return "\n".join(parts)


def check_text(check: AnswerCheck, compared: bool) -> str:
    """The bot's reply: the verdict, then each question with ✅ or ❌ and advice for each missing code. No
    probability: the shipped model (`guide: false` in its artifact) gives the random forest's own verdict, with no
    guideline overrides, and the forest's vote share is not calibrated (a few cues, ~500 training answers, held-out
    macro-F1 0.72), so a number would look surer than the verdict is."""
    lines = ["<b>Проверка черновика ответа</b>",
             f"Жители, скорее всего, прочтут его как <b>{escape(check.verdict)}</b>: "
             f"{VERDICT_MEANING.get(check.verdict, '')}."]
    missing = set(check.missing) & {c for _, codes in CHECKS for c in codes}
    for title, codes in CHECKS:
        if not compared and codes[0] == "wrong_place":
            lines.append(f"➖ {title}: не сверено — отправьте /check ответом на карточку риска")
            continue
        lacks = [c for c in codes if c in missing]
        if not lacks:
            lines.append(f"✅ {title}")
            continue
        lines.append(f"❌ {title}: " + "; ".join(f"{PHRASES[c]} ({ADVICE[c]})" for c in lacks))
    if not missing:
        lines.append("Замечаний нет.")
    lines.append("Это автоматическая подсказка по тексту; решение о публикации — за вами.")
    return "\n".join(lines)


def draft_reply(model, text: str, replied_text: str = "", alert: Alert | None = None) -> str:
    """`/check` end to end: the draft, the model's check against the complaint when there is one, the reply."""
    draft = draft_of(text, replied_text if alert is None else "")
    if len(draft) < MIN_DRAFT:
        return escape(USAGE)
    complaint = complaint_of(alert) if alert is not None else ""
    return check_text(model.check(draft, appeal=complaint), compared=bool(complaint))
