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
from alerting.draft_check import draft_reply
from alerting.lifecycle import Risk, RiskEvent, TransitionError, due_sla, stored_risk
from alerting.store import RiskRecords
from alerting.workflow import register_answer
from core.risks import Answer
from core.supervise import Step, transient

log = logging.getLogger(__name__)
REFUSAL = ("Извините, у вас нет прав на это действие. Дозор выполняет команды только сотрудников МЦУ в чате "
           "оповещений; обратитесь к администратору МЦУ.")


def actor_of(user: dict) -> str:
    return "@" + user["username"] if user.get("username") else f"{user.get('first_name', '')} ({user['id']})"


class Bot:
    def __init__(self, chat: AlertChat, risks: RiskRecords, telegram, sla_every_s: float = 60.0,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc), calendar=None,
                 answer_model=None):
        self.chat, self.api, self.risks = chat, chat.api, risks
        self.topics, self.tz, self.sla = chat.topics, chat.tz, chat.sla
        self.chats = {str(telegram.alert_chat_id)} | {str(c) for c in telegram.allowed_chat_ids}
        self.staff = set(telegram.staff_user_ids)
        self.poll_timeout = telegram.poll_timeout_s
        self.sla_every_s = sla_every_s
        self.clock = clock
        self.calendar = calendar                 # alerting.campaigns.Calendar: preventive reminders
        self.actions = StaffActions(risks, chat, self.topics, lambda: self.clock())
        self._answer_model = answer_model        # the draft check's model; loaded on the first /check if None

    def allowed(self, chat_id, user_id) -> bool:
        return str(chat_id) in self.chats and user_id in self.staff

    def handle(self, update: dict) -> None:
        if "callback_query" in update:
            self.on_callback(update["callback_query"])
        elif "message" in update:
            self.on_message(update["message"])

    # --- buttons ------------------------------------------------------------------------------------------------
    def on_callback(self, cq: dict) -> None:
        """Every press is answered (Telegram shows a spinner until then): with the result, a refusal, or — when
        handling failed — a request to press again (a passing failure: the press is also retried by run())."""
        answered = []

        def answer(text: str, show_alert: bool = False) -> None:
            answered.append(text)
            try:
                self.api.answer_callback_query(cq["id"], text, show_alert=show_alert)
            except BotApiError as e:         # the answer is a courtesy: the press itself is done
                log.error("Чат оповещений: %s", e)

        try:
            self._on_callback(cq, answer)
        except Exception:
            if not answered:
                answer("Не удалось выполнить действие, попробуйте ещё раз.", show_alert=True)
            raise

    def _on_callback(self, cq: dict, answer: Callable[..., None]) -> None:
        msg = cq.get("message") or {}
        chat_id, user = (msg.get("chat") or {}).get("id"), cq.get("from") or {}
        if not self.allowed(chat_id, user.get("id")):
            log.warning("refused a button press by %s in chat %s", user.get("id"), chat_id)
            answer(REFUSAL, show_alert=True)
            return
        action, _, rest = (cq.get("data") or "").partition(":")
        alert_id, _, arg = rest.partition(":")
        risk, alert = (stored_risk(self.risks, alert_id), self.risks.alert(alert_id)) if alert_id else (None, None)
        if risk is None or alert is None:
            answer(f"Риск {alert_id} не найден." if alert_id else "Эта кнопка ничего не делает.", show_alert=True)
            return
        if action in ("topic", "card"):          # open or close the topic picker: the card's buttons only
            text, markup = self.chat.render(alert, risk)
            if action == "topic" and risk.is_open:
                markup = topic_keyboard(alert_id, risk.topic or alert.topic, self.topics)
            if "message_id" in msg:
                self.api.edit_message_text(chat_id, msg["message_id"], text, reply_markup=markup)
            answer("Выберите новую тему" if action == "topic" else "")
            return
        try:
            risk, ev = self.actions.press(alert_id, action, actor_of(user), arg)
        except TransitionError as e:
            answer(str(e), show_alert=True)
            return
        answer(DONE[ev.event])

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
            if not self.chat.try_send(chat_id, escape(REFUSAL), reply_to=msg.get("message_id")):
                log.warning("refusal not sent: the chat's per-minute budget is spent")
            return
        if command == "/check":
            replied = (msg.get("reply_to_message") or {}).get("text") or ""
            alert = self.risks.alert(card) if card else None
            self.api.send_message(chat_id, draft_reply(self.answer_model(), text, replied, alert),
                                  reply_to=msg["message_id"])
        elif command is not None:
            self.api.send_message(chat_id, self.command(command, text), reply_to=msg["message_id"])
        else:
            self.register(card, msg)

    def command(self, command: str, text: str) -> str:
        if command == "/risks":
            args = text.split()[1:]
            page = int(args[0]) if args and args[0].isdigit() else 1
            return risks_text(self.risks, self.topics, self.tz, page)
        if command == "/risk":
            args = text.split()[1:]
            return (risk_text(self.risks, args[0], self.topics, self.tz, self.sla) if args
                    else "Укажите номер риска: /risk A-…")
        if command == "/digest":
            return digest_text(self.risks, self.tz)
        return escape(HELP)

    def answer_model(self):
        if self._answer_model is None:
            from classifiers.answer_quality import AnswerModel  # ~1 s with the lemmatiser: only when asked
            self._answer_model = AnswerModel.load()
        return self._answer_model

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
            self.chat.notify("", escape(text))
            sent += 1
        if today.toordinal() != last:
            self.risks.put_offset("campaigns", today.toordinal())
        return sent

    def run(self, for_seconds: float | None = None, name: str = "alert-bot", stop=None) -> int:
        """Long-poll getUpdates until for_seconds pass, or `stop` (a threading.Event) is set, or forever; returns
        the updates handled. A long poll in flight is finished first (poll_timeout_s at most).

        Every step is supervised (core/supervise.py): a Telegram 5xx, a long 429 or a database restart makes that
        step rest and the loop goes on; only a revoked token (401) stops it. The update offset moves past an update
        only once it was handled: an update whose handling failed for a passing reason is read again next turn
        (a button press is never dropped), one that failed for a bug is logged and skipped."""
        end = None if for_seconds is None else time.monotonic() + for_seconds
        offset, handled = self.risks.offset(name), 0
        revoked = lambda e: isinstance(e, BotApiError) and e.code == 401             # noqa: E731
        steps = [Step("напоминания SLA", self.sla_tick, self.sla_every_s, is_fatal=revoked),
                 Step("напоминания кампаний", self.campaign_tick, self.sla_every_s, is_fatal=revoked),
                 Step("отправка в чат", self.chat.flush, 0.0, max_rest_s=60, is_fatal=revoked)]
        polling = Step("getUpdates", lambda: None, 0.0, max_rest_s=60, is_fatal=revoked)
        while (end is None or time.monotonic() < end) and not (stop is not None and stop.is_set()):
            for step in steps[:2]:
                step.run_if_due()
            left = self.poll_timeout if end is None else max(0, min(self.poll_timeout, int(end - time.monotonic())))
            updates = []
            if polling.due():
                try:
                    updates = self.api.get_updates(offset, left)
                except BotApiError as e:             # Telegram unreachable or refusing: wait and try again
                    if revoked(e):
                        raise
                    polling.failed(e)
            kept, error = self._handle_all(updates)
            if error is not None:
                polling.failed(error)                # read the failed update again after a rest
            if kept:
                offset, handled = kept[-1]["update_id"] + 1, handled + len(kept)
                self._put_offset(name, offset)
            steps[2].run_if_due()
            if not kept:
                time.sleep(min(0.2 if polling.due() else 1.0,
                               max(0.0, (end or time.monotonic() + 1) - time.monotonic())))
        return handled

    def _handle_all(self, updates: list[dict]) -> tuple[list[dict], Exception | None]:
        """Handle updates in order; returns (those done, the passing error that stopped the rest, or None)."""
        done = []
        for update in updates:
            try:
                self.handle(update)
            except Exception as e:               # one bad update must not stop the bot; the log keeps it
                if transient(e):
                    log.error("обновление %s: сбой (%s), будет обработано повторно", update.get("update_id"), e)
                    return done, e
                log.exception("update %s failed", update.get("update_id"))
            done.append(update)
        return done, None

    def _put_offset(self, name: str, offset: int) -> None:
        try:
            self.risks.put_offset(name, offset)
        except Exception as e:                   # noqa: BLE001 - Telegram keeps the offset too; a restart re-reads
            log.error("смещение обновлений не сохранено (%s: %s)", type(e).__name__, e)
