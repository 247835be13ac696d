"""The sink's side of the risk workflow: risks.v1 into risk_events / risk_answers and the alert chat, once.

The detection lanes run the RiskTracker and number its outputs (alerting/outbox.py); a lane restored after a
crash or a rebalance may emit its last outputs again, with the same numbers. The sink owns the database, so it
is the one sender to the chat: for each lane it keeps the next number it expects in chat_offsets (reader
"<risks topic>:<lane>") and hands every new output to the sinks the embedded runner gives its tracker
(pipeline/stages.workflow_sinks), in the lane's order:
- first the store sink, for all new outputs of the batch (risk events have deterministic ids and answers
  deterministic answer ids; both tables fold repeats under FINAL, so writing them again is harmless);
- then the chat, one output at a time; after each output that sent or edited a message the next number is
  saved, so a card or a notice goes out once. Only a crash between Telegram's answer and that save (a few
  milliseconds) sends it again; cards are edited in place across restarts (chat_messages).

    writer = WorkflowWriter(settings, topics, dataset="stream", reader="risks.v1")
    writer.write(store, [(lane, output), ...])       # the batch's outputs, each lane's in order
    writer.close()                                   # card edits that wait for their turn go out
"""
from __future__ import annotations

import logging

from alerting.outbox import WorkflowOutput, deliver
from core.settings import Settings
from core.taxonomy import Topic
from pipeline.stages import workflow_sinks

log = logging.getLogger(__name__)


class WorkflowWriter:
    def __init__(self, settings: Settings, topics: dict[str, Topic], dataset: str, reader: str):
        self.settings, self.topics, self.dataset, self.reader = settings, topics, dataset, reader
        self.store = self.stored = self.chat = None
        self.expected: dict[str, int] = {}          # lane -> the next output number to apply

    def bind(self, store) -> None:
        """Use this store (the sink reconnects after a failure); the chat keeps its merged edits and budget."""
        if store is self.store:
            return
        stored, chat = workflow_sinks(self.settings, store, self.dataset, self.topics)
        if self.chat is None:
            self.chat = chat
        elif chat is not None:
            self.chat.chat.messages = stored.risks
        self.store, self.stored = store, stored
        self.expected.clear()                       # read again from the database

    def write(self, store, outputs: list[tuple[str, WorkflowOutput]]) -> int:
        """Apply the outputs not applied yet; returns how many were new."""
        self.bind(store)
        fresh, upto = [], {}
        for lane, o in outputs:
            want = upto.get(lane, self._expected(lane))
            if o.seq < want:
                continue                            # applied already (a lane restored emits its last ones again)
            if o.seq > want:
                log.error("риски, полоса %s: ожидался вывод №%d, пришёл №%d; пропущенные не восстановить",
                          lane, want, o.seq)
            fresh.append((lane, o))
            upto[lane] = o.seq + 1
        for _, o in fresh:
            deliver(o, [self.stored])
        self.stored.flush()
        if self.chat is not None:
            self._show(fresh)
        for lane, n in upto.items():
            if n != self.expected[lane]:
                self._save(lane, n)
        return len(fresh)

    def flush(self) -> None:
        """Edits merged for edit_interval_s go out once their time has come (call once per batch)."""
        if self.chat is not None:
            self.chat.flush()

    def close(self) -> None:
        if self.chat is not None:
            self.chat.close()

    def _show(self, fresh: list[tuple[str, WorkflowOutput]]) -> None:
        chat = self.chat.chat
        for lane, o in fresh:
            sent = chat.sent
            if o.event is not None:
                self.chat.resume(o.alert, o.risk)
            deliver(o, [self.chat])
            if chat.sent != sent:
                self._save(lane, o.seq + 1)

    def _expected(self, lane: str) -> int:
        if lane not in self.expected:
            self.expected[lane] = self.stored.risks.offset(f"{self.reader}:{lane}")
        return self.expected[lane]

    def _save(self, lane: str, n: int) -> None:
        self.stored.risks.put_offset(f"{self.reader}:{lane}", n)
        self.expected[lane] = n
