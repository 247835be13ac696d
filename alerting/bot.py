"""`dozor bot`: the alert chat's staff side — buttons, commands, answers — over getUpdates long polling.

    Bot(chat, RiskStore(store), settings.telegram, calendar=calendar).run(for_seconds=60)

Only the configured chats (alert_chat_id, allowed_chat_ids) AND staff user ids are obeyed; anyone else gets a
polite refusal and nothing changes. Button presses and answers are lifecycle events stamped with the press
time; each is stored (risk_events, risk_answers, labels), the card is edited and the change is posted under it.
SLA reminders for open risks are raised on the wall clock between polls.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from html import escape

from alerting.actions import DONE, StaffActions
from alerting.answers import missing_text, parse_reply
from alerting.bot_api import BotApiError
from alerting.bot_commands import HELP, digest_text, risk_text, risks_text
from alerting.campaigns import reminder_text, volume
from alerting.card import topic_keyboard
from alerting.chat import AlertChat
from alerting.lifecycle import Risk, RiskEvent, TransitionError, due_sla, stored_risk
from alerting.store import RiskRecords
from alerting.workflow import register_answer
from core.risks import Answer

log = logging.getLogger(__name__)
REFUSAL = ("Извините, у вас нет прав на это действие. Дозор выполняет команды только сотрудников МЦУ в чате "
           "оповещений; обратитесь к администратору МЦУ.")


def actor_of(user: dict) -> str:
    return "@" + user["username"] if user.get("username") else f"{user.get('first_name', '')} ({user['id']})"


class Bot:
    def __init__(self, chat: AlertChat, risks: RiskRecords, telegram, sla_every_s: float = 60.0,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc), calendar=None):
        self.chat, self.api, self.risks = chat, chat.api, risks
        self.topics, self.tz, self.sla = chat.topics, chat.tz, chat.sla
        self.chats = {str(telegram.alert_chat_id)} | {str(c) for c in telegram.allowed_chat_ids}
        self.staff = set(telegram.staff_user_ids)
        self.poll_timeout = telegram.poll_timeout_s
        self.sla_every_s = sla_every_s
        self.clock = clock
        self.calendar = calendar                 # alerting.campaigns.Calendar: preventive reminders
        self.actions = StaffActions(risks, chat, self.topics, lambda: self.clock())

    def allowed(self, chat_id, user_id) -> bool:
        return str(chat_id) in self.chats and user_id in self.staff

    def handle(self, update: dict) -> None:
        if "callback_query" in update:
            self.on_callback(update["callback_query"])
        elif "message" in update:
            self.on_message(update["message"])

    # --- buttons ------------------------------------------------------------------------------------------------
    def on_callback(self, cq: dict) -> None:
        msg = cq.get("message") or {}
        chat_id, user = msg.get("chat", {}).get("id"), cq["from"]
        if not self.allowed(chat_id, user["id"]):
            log.warning("refused a button press by %s in chat %s", user.get("id"), chat_id)
            self.api.answer_callback_query(cq["id"], REFUSAL, show_alert=True)
            return
        action, _, rest = (cq.get("data") or "").partition(":")
        alert_id, _, arg = rest.partition(":")
        risk, alert = stored_risk(self.risks, alert_id), self.risks.alert(alert_id)
        if risk is None or alert is None:
            self.api.answer_callback_query(cq["id"], f"Риск {alert_id} не найден.", show_alert=True)
            return
        if action in ("topic", "card"):          # open or close the topic picker: the card's buttons only
            text, markup = self.chat.render(alert, risk)
            if action == "topic" and risk.is_open:
                markup = topic_keyboard(alert_id, risk.topic or alert.topic, self.topics)
            self.api.edit_message_text(chat_id, msg["message_id"], text, reply_markup=markup)
            self.api.answer_callback_query(cq["id"], "Выберите новую тему" if action == "topic" else "")
            return
        try:
            risk, ev = self.actions.press(alert_id, action, actor_of(user), arg)
        except TransitionError as e:
            self.api.answer_callback_query(cq["id"], str(e), show_alert=True)
            return
        self.api.answer_callback_query(cq["id"], DONE[ev.event])

    def _changed(self, alert, risk: Risk, ev: RiskEvent, answer: Answer | None = None) -> None:
        self.actions.changed(alert, risk, ev, answer)

    # --- messages -----------------------------------------------------------------------------------------------
    def on_message(self, msg: dict) -> None:
        user, chat_id, text = msg.get("from") or {}, msg["chat"]["id"], msg.get("text") or ""
        if user.get("is_bot"):
            return
        command = text.split()[0].split("@")[0].lower() if text.startswith("/") else None
        reply_to = (msg.get("reply_to_message") or {}).get("message_id")
        card = self.risks.alert_for_message(chat_id, reply_to) if reply_to else None
        if command is None and card is None:
            return                               # staff talking among themselves
        if not self.allowed(chat_id, user.get("id")):
            log.warning("refused a message by %s in chat %s", user.get("id"), chat_id)
            self.api.send_message(chat_id, escape(REFUSAL), reply_to=msg["message_id"])
            return
        if command is not None:
            self.api.send_message(chat_id, self.command(command, text), reply_to=msg["message_id"])
        else:
            self.register(card, msg)

    def command(self, command: str, text: str) -> str:
        if command == "/risks":
            return risks_text(self.risks, self.topics, self.tz)
        if command == "/risk":
            args = text.split()[1:]
            return (risk_text(self.risks, args[0], self.topics, self.tz, self.sla) if args
                    else "Укажите номер риска: /risk A-…")
        if command == "/digest":
            return digest_text(self.risks, self.tz)
        return escape(HELP)

    def register(self, alert_id: str, msg: dict) -> None:
        """A reply to a card: the answer in the seed's format, or what it lacks."""
        chat_id = msg["chat"]["id"]
        parsed = parse_reply(msg.get("text") or "")
        if parsed.missing:
            self.api.send_message(chat_id, escape(missing_text(parsed)), reply_to=msg["message_id"])
            return
        risk, alert = stored_risk(self.risks, alert_id), self.risks.alert(alert_id)
        at = datetime.fromtimestamp(msg["date"], timezone.utc)
        answer = Answer(alert_id, f"chat:{chat_id}:{msg['message_id']}", at, parsed.text, parsed.platforms,
                        parsed.links, tuple(self.risks.known_uids(list(parsed.uids))), actor_of(msg["from"]), "chat")
        try:
            risk, ev = register_answer(risk, answer)
        except TransitionError as e:
            self.api.send_message(chat_id, escape(str(e)), reply_to=msg["message_id"])
            return
        self._changed(alert, risk, ev, answer)

    # --- the loop -----------------------------------------------------------------------------------------------
    def sla_tick(self, now: datetime | None = None) -> int:
        """Raise due reminders and escalations of open risks (wall clock); returns how many were raised."""
        raised = 0
        for alert_id in self.risks.open_ids():
            risk, alert = stored_risk(self.risks, alert_id), self.risks.alert(alert_id)
            if risk is None or alert is None:
                continue
            risk, events = due_sla(risk, now or self.clock(), self.sla)
            for ev in events:
                self._changed(alert, risk, ev)
            raised += len(events)
        return raised

    def campaign_tick(self, today=None) -> int:
        """Post the preventive reminders due since the last check (kept in chat_offsets); returns how many."""
        if self.calendar is None:
            return 0
        today = today or self.clock().astimezone(self.tz).date()
        last = self.risks.offset("campaigns")
        since = date.fromordinal(last) if last else today - timedelta(days=1)
        sent = 0
        for campaign, _, start in self.calendar.reminders(since, today):
            text = reminder_text(campaign, start, volume(self.risks, campaign, start))
            self.chat._call(self.api.send_message, self.chat.chat_id, escape(text))
            sent += 1
        if today.toordinal() != last:
            self.risks.put_offset("campaigns", today.toordinal())
        return sent

    def run(self, for_seconds: float | None = None, name: str = "alert-bot", stop=None) -> int:
        """Long-poll getUpdates until for_seconds pass, or `stop` (a threading.Event) is set, or forever; returns
        the updates handled. A long poll in flight is finished first (poll_timeout_s at most)."""
        end = None if for_seconds is None else time.monotonic() + for_seconds
        offset, handled, next_sla = self.risks.offset(name), 0, 0.0
        while (end is None or time.monotonic() < end) and not (stop is not None and stop.is_set()):
            if time.monotonic() >= next_sla:
                self.sla_tick()
                self.campaign_tick()
                next_sla = time.monotonic() + self.sla_every_s
            left = self.poll_timeout if end is None else max(0, min(self.poll_timeout, int(end - time.monotonic())))
            try:
                updates = self.api.get_updates(offset, left)
            except BotApiError as e:             # Telegram unreachable or refusing: wait and try again
                if e.code == 401:
                    raise
                log.error("Чат оповещений: %s", e)
                time.sleep(min(5.0, max(0.0, (end or time.monotonic() + 5) - time.monotonic())))
                continue
            for update in updates:
                try:
                    self.handle(update)
                except Exception:                # one bad update must not stop the bot; the log keeps it
                    log.exception("update %s failed", update.get("update_id"))
                offset, handled = update["update_id"] + 1, handled + 1
            if updates:
                self.risks.put_offset(name, offset)
            else:
                time.sleep(0.2)
            self.chat.flush()
        return handled
