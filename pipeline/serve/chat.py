"""The alert chat as `dozor serve` runs it: every Bot API call observed (health, metrics), and cards the chat
could not show while Telegram was away shown again, as they are stored now, once it is back.

    api = ObservedApi(BotApi(...), health.add("chat", "чат оповещений"), metrics.chat_errors)
    backlog = CardBacklog()
    sink = BackloggedChatSink(chat, backlog)      # the risk tracker's chat sink, remembering what failed
    backlog.drain(RiskStore(store), chat)         # the catch-up part, every few seconds
"""
from __future__ import annotations

import logging
import threading

from alerting.bot_api import BotApiError
from alerting.chat import ChatSink
from alerting.lifecycle import stored_risk

log = logging.getLogger("dozor.serve")
OUTAGE = frozenset({0, 401, 429})                 # codes that mean the Bot API is not usable (and 5xx)


class ObservedApi:
    def __init__(self, api, component, errors):
        self._api, self._component, self._errors = api, component, errors

    def __getattr__(self, name):
        attr = getattr(self._api, name)
        if not callable(attr) or name.startswith("_"):
            return attr

        def observed(*args, **kwargs):
            try:
                result = attr(*args, **kwargs)
            except BotApiError as e:
                self._errors.labels(e.method).inc()
                if e.code in OUTAGE or e.code >= 500:
                    self._component.failed(str(e))
                raise
            self._component.ok()
            return result
        return observed


class CardBacklog:
    """Alert ids whose card the chat missed; thread-safe."""

    def __init__(self):
        self._ids: dict[str, None] = {}
        self._lock = threading.Lock()

    def add(self, alert_id: str) -> None:
        with self._lock:
            self._ids[alert_id] = None

    def __len__(self) -> int:
        return len(self._ids)

    def drain(self, risks, chat) -> int:
        """Show each missed card as stored now; stops at the first failure (Telegram still away). Returns how
        many were shown."""
        with self._lock:
            pending = list(self._ids)
        shown = 0
        for alert_id in pending:
            alert, risk = risks.alert(alert_id), stored_risk(risks, alert_id)
            if alert is not None:
                try:
                    chat.show(alert, risk)
                    chat.flush(force=True)
                except BotApiError as e:
                    log.warning("чат оповещений всё ещё недоступен (%s); карточек в очереди: %d", e, len(pending))
                    return shown
            with self._lock:
                self._ids.pop(alert_id, None)
            shown += 1
        if shown:
            log.info("чат оповещений снова доступен: показано карточек %d", shown)
        return shown


class BackloggedChatSink(ChatSink):
    """The risk tracker's chat sink: a card or notice that failed puts its alert into the backlog."""

    def __init__(self, chat, backlog: CardBacklog):
        super().__init__(chat)
        self.backlog = backlog

    def alert(self, alert, risk) -> None:
        before = self.failures
        super().alert(alert, risk)
        if self.failures > before:
            self.backlog.add(alert.alert_id)

    def event(self, risk, event, answer) -> None:
        before = self.failures
        super().event(risk, event, answer)
        if self.failures > before:
            self.backlog.add(risk.alert_id)
