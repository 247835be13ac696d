"""Staff actions on a risk, one implementation for the chat's buttons (alerting/bot.py) and the web console:

    actions = StaffActions(RiskStore(store), chat, topics)       # chat: an AlertChat, or None without a chat
    risk, ev = actions.press("A-1f3c", "take", "@ivanova")       # take | done | false | settopic (arg: the topic)

Each action is a lifecycle event stamped with the press time, stored in risk_events; «Ложное срабатывание» and
«Сменить тему» also label the story's posts for retraining (labels). Then the card in the chat is edited and the
change is posted under it. An action that does not apply raises TransitionError with a Russian message; when the
chat cannot be reached the event is stored and the card's edit and the notice wait in the chat (alerting/chat.py)
for its next flush.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timezone

from alerting.bot_api import BotApiError
from alerting.card import notice_html
from alerting.lifecycle import Risk, RiskEvent, TransitionError, apply, stored_risk
from alerting.risk_text import event_text
from alerting.store import RiskRecords
from core.risks import Answer

log = logging.getLogger(__name__)
ACTIONS = {"take": "taken", "done": "worked_out", "false": "false_alarm"}
DONE = {"taken": "Риск взят в работу", "worked_out": "Риск отмечен как отработанный",
        "false_alarm": "Отмечено как ложное срабатывание; сообщения сюжета сохранены как пример для обучения",
        "topic_changed": "Тема изменена; сообщения сюжета сохранены как пример для обучения"}


class StaffActions:
    def __init__(self, risks: RiskRecords, chat, topics: dict,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)):
        self.risks, self.chat, self.topics, self.clock = risks, chat, topics, clock

    def press(self, alert_id: str, action: str, actor: str, arg: str = "") -> tuple[Risk, RiskEvent]:
        risk, alert = stored_risk(self.risks, alert_id), self.risks.alert(alert_id)
        if risk is None or alert is None:
            raise TransitionError(f"Риск {alert_id} не найден.")
        if action == "settopic":
            if arg not in self.topics:
                raise TransitionError(f"Неизвестная тема «{arg}».")
            old = risk.topic or alert.topic
            risk, ev = apply(risk, "topic_changed", self.clock(), actor,
                             {"from": old, "to": arg, "from_name": self.name(old), "to_name": self.name(arg)})
            self.label(alert.post_uids, arg, actor)
        elif action in ACTIONS:
            risk, ev = apply(risk, ACTIONS[action], self.clock(), actor)
            if action == "false":
                self.label(alert.post_uids, "other", actor)
        else:
            raise TransitionError("Неизвестная кнопка.")
        self.changed(alert, risk, ev)
        return risk, ev

    def name(self, topic: str) -> str:
        return self.topics[topic].name if topic in self.topics else topic

    def label(self, uids, label: str, actor: str) -> None:
        now = self.clock()
        self.risks.write_labels([{"uid": uid, "task": "topics", "label": label, "text": "", "who": actor,
                                        "labelled_at": now, "source": "alert_button"} for uid in uids])

    def changed(self, alert, risk: Risk, ev: RiskEvent, answer: Answer | None = None) -> None:
        """Store the event (and the answer), then show it in the chat."""
        self.risks.write_events([ev])
        if answer is not None:
            self.risks.write_answers([answer])
        if self.chat is not None:                # a passing Telegram failure: kept by the chat for its next flush
            self.chat.show(alert, risk)
            self.chat.notify(alert.alert_id, notice_html(alert, event_text(ev, self.chat.tz), self.topics))
            try:
                self.chat.flush(force=True)
            except BotApiError as e:
                log.error("Чат оповещений: %s", e)
