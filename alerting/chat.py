"""The alert chat «МЦУ-ПИЛОТ»: one card per story, edited as it grows; lifecycle notices under the card.

    chat = AlertChat(BotApi(base, token), chat_id, RiskStore(store), topics, tz, Sla.of(settings.risks))
    chat.show(alert, risk)       # the first time sends the card, later edits the same message
    chat.notify(alert_id, html)  # a reply under the card (a verdict with its figures, a reminder)
    chat.close()                 # edits that waited for their turn go out

A passing Telegram failure (no connection, 5xx, a long 429) never loses a notice or an edit: the notice waits in
an outbox and the edit stays pending, and flush() — every turn of the bot's loop — sends them when Telegram is back.

Throttling: at most max_per_minute calls (sends and edits together) in any 60 s — more wait for the window, so a
burst of a hundred posts cannot flood the chat; a card is edited at most once per edit_interval_s and the edits
in between are merged (the latest text wins). The message id of each card is kept in ClickHouse
(chat_messages), so after a restart the same message is edited again.
"""
from __future__ import annotations

import hashlib
import logging
import time
from collections import deque
from collections.abc import Callable
from datetime import tzinfo
from zoneinfo import ZoneInfo

from alerting.bot_api import BotApi, BotApiError
from alerting.card import card_html, keyboard, notice_html
from alerting.lifecycle import Risk, RiskEvent, Sla
from alerting.risk_text import event_text
from alerting.store import ChatMessages
from core.lru import LRU
from core.records import Alert
from core.risks import Answer
from core.supervise import transient
from core.taxonomy import Topic

log = logging.getLogger(__name__)
CARDS = 2000                     # cards kept in memory: more than a district's stories in the edit window
OUTBOX = 1000                    # notices kept while Telegram is away (a day of reminders for a large backlog)


def text_hash(text: str) -> str:
    """What a card's stored message remembers of its text: an edit with the same hash is not sent."""
    return hashlib.sha1(text.encode()).hexdigest()


class AlertChat:
    def __init__(self, api: BotApi, chat_id: str, messages: ChatMessages, topics: dict[str, Topic], tz: tzinfo,
                 sla: Sla,
                 mentions: tuple[str, ...] = (), max_per_minute: int = 20, edit_interval_s: float = 30.0,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.api, self.chat_id, self.messages = api, chat_id, messages
        self.topics, self.tz, self.sla, self.mentions = topics, tz, sla, mentions
        self.max_per_minute, self.edit_interval_s = max_per_minute, edit_interval_s
        self.clock, self.sleep = clock, sleep
        self.cards: dict[str, tuple[Alert, Risk | None]] = LRU(CARDS)   # the latest cards (the store keeps all)
        self.known: dict[str, tuple[int, str]] = LRU(CARDS)  # alert_id -> (message_id, text hash shown); a cache
        self.pending: dict[str, tuple[str, dict]] = {}       # emptied by flush
        self.last_edit: dict[str, float] = LRU(CARDS)
        self.calls: deque[float] = deque()
        self.outbox: deque[tuple[str, str]] = deque(maxlen=OUTBOX)   # (alert_id, html) waiting for Telegram
        self.unsent: dict[str, tuple[Alert, Risk | None]] = {}       # cards whose first send failed
        self.failed_edits: set[str] = set()                            # edits to retry at once
        self.sent = 0                                        # Bot API calls made (sends and edits)

    @classmethod
    def from_settings(cls, settings, messages, topics, **kw) -> AlertChat:
        tg = settings.telegram
        api = BotApi(tg.bot_api_base, tg.bot_token.get_secret_value(), max_retries=tg.max_retries,
                     **({"sleep": kw["sleep"]} if "sleep" in kw else {}))
        return cls(api, tg.alert_chat_id, messages, topics, ZoneInfo(settings.timezone), Sla.of(settings.risks),
                   tg.notify_on_critical, tg.max_messages_per_minute, tg.edit_interval_s, **kw)

    def render(self, alert: Alert, risk: Risk | None) -> tuple[str, dict]:
        return (card_html(alert, risk, self.topics, self.tz, self.sla, self.mentions),
                keyboard(alert.alert_id, risk))

    def show(self, alert: Alert, risk: Risk | None = None) -> None:
        """Send the card, or edit it (merged and throttled). A passing Telegram failure is kept for flush()."""
        self.cards[alert.alert_id] = (alert, risk)
        try:
            self._show(alert, risk)
        except BotApiError as e:
            if not transient(e):
                raise
            log.error("Чат оповещений: %s; карточка %s будет отправлена позже", e, alert.alert_id)
            if self._known(alert.alert_id) is None:
                self.unsent[alert.alert_id] = (alert, risk)

    def _show(self, alert: Alert, risk: Risk | None) -> None:
        text, markup = self.render(alert, risk)
        known = self._known(alert.alert_id)
        if known is None:
            msg = self._call(self.api.send_message, self.chat_id, text, reply_markup=markup)
            self.unsent.pop(alert.alert_id, None)
            self._remember(alert.alert_id, msg["message_id"], text)
            self.last_edit[alert.alert_id] = self.clock()
        elif known[1] == text_hash(text):
            self.pending.pop(alert.alert_id, None)
        elif self.clock() - self.last_edit.get(alert.alert_id, float("-inf")) >= self.edit_interval_s:
            self._edit(alert.alert_id, text, markup)
        else:
            self.pending[alert.alert_id] = (text, markup)

    def notify(self, alert_id: str, html: str) -> dict | None:
        """A reply under the card; None when Telegram is away for now (the notice waits in the outbox)."""
        if self.outbox:                          # keep the order: older notices first
            self.outbox.append((alert_id, html))
            self._send_outbox()
            return None
        try:
            return self._send_notice(alert_id, html)
        except BotApiError as e:
            if not transient(e):
                raise
            log.error("Чат оповещений: %s; уведомление отложено", e)
            self.outbox.append((alert_id, html))
            return None

    def _send_notice(self, alert_id: str, html: str) -> dict:
        known = self._known(alert_id)
        return self._call(self.api.send_message, self.chat_id, html, reply_to=known[0] if known else None)

    def _send_outbox(self) -> None:
        while self.outbox:
            alert_id, html = self.outbox[0]
            self._send_notice(alert_id, html)    # raises while Telegram is away: the rest waits
            self.outbox.popleft()

    def try_send(self, chat_id, html: str, reply_to: int | None = None) -> bool:
        """Send only if the per-minute budget has room now (refusals to strangers: never a flood, never a wait)."""
        self._expire_calls(self.clock())
        if len(self.calls) >= self.max_per_minute:
            return False
        self._call(self.api.send_message, chat_id, html, reply_to=reply_to)
        return True

    def flush(self, force: bool = False) -> None:
        """Send what waits: cards not sent yet, notices in the outbox, merged edits whose turn has come. Raises
        BotApiError while Telegram is away; what is left stays for the next flush."""
        for alert, risk in list(self.unsent.values()):
            self._show(alert, risk)
        self._send_outbox()
        for alert_id, (text, markup) in list(self.pending.items()):
            if force or alert_id in self.failed_edits or \
                    self.clock() - self.last_edit.get(alert_id, float("-inf")) >= self.edit_interval_s:
                self._edit(alert_id, text, markup)

    def close(self) -> None:
        self.flush(force=True)

    def _edit(self, alert_id: str, text: str, markup: dict) -> None:
        message_id = self._known(alert_id)[0]
        self.pending[alert_id] = (text, markup)           # stays pending if Telegram fails: flush tries again
        self.failed_edits.add(alert_id)
        self._call(self.api.edit_message_text, self.chat_id, message_id, text, reply_markup=markup)
        self.failed_edits.discard(alert_id)
        self._remember(alert_id, message_id, text)
        self.last_edit[alert_id] = self.clock()
        self.pending.pop(alert_id, None)

    def _known(self, alert_id: str) -> tuple[int, str] | None:
        if alert_id not in self.known:
            found = self.messages.message(self.chat_id, alert_id)
            if found is not None:
                self.known[alert_id] = found
        return self.known.get(alert_id)

    def _remember(self, alert_id: str, message_id: int, text: str) -> None:
        digest = text_hash(text)
        self.known[alert_id] = (message_id, digest)
        self.messages.put_message(self.chat_id, alert_id, message_id, digest)

    def _call(self, fn, *args, **kwargs):
        """Wait for room in the per-minute budget, then call."""
        while True:
            now = self.clock()
            self._expire_calls(now)
            if len(self.calls) < self.max_per_minute:
                break
            self.sleep(60 - (now - self.calls[0]))
        self.calls.append(self.clock())
        self.sent += 1
        return fn(*args, **kwargs)


    def _expire_calls(self, now: float) -> None:
        while self.calls and now - self.calls[0] >= 60:
            self.calls.popleft()


class ChatSink:
    """Feeds a RiskTracker's alerts and lifecycle events to the chat; a chat failure is logged, not fatal."""

    QUIET = frozenset({"detected"})

    def __init__(self, chat: AlertChat):
        self.chat = chat
        self.failures = 0

    def alert(self, alert: Alert, risk: Risk) -> None:
        self._safe(self.chat.show, alert, risk)

    def event(self, risk: Risk, event: RiskEvent, answer: Answer | None) -> None:
        if risk.alert_id not in self.chat.cards:
            return
        alert = self.chat.cards[risk.alert_id][0]
        self._safe(self.chat.show, alert, risk)
        if event.event not in self.QUIET:
            line = event_text(event, self.chat.tz)
            self._safe(self.chat.notify, risk.alert_id, notice_html(alert, line, self.chat.topics))

    def resume(self, alert: Alert | None, risk: Risk) -> None:
        """A card an earlier process sent (chat_messages has its message) counts as shown, so the lifecycle notices
        of a restarted sink go under it (Kafka mode: pipeline/stream/risks.py)."""
        if alert is not None and risk.alert_id not in self.chat.cards and self.chat._known(risk.alert_id):
            self.chat.cards[risk.alert_id] = (alert, risk)

    def flush(self) -> None:
        self._safe(self.chat.flush)

    def close(self) -> None:
        self._safe(self.chat.close)

    def _safe(self, fn, *args) -> None:
        try:
            fn(*args)
        except BotApiError as e:
            self.failures += 1
            log.error("Чат оповещений: %s", e)
