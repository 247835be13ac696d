"""The Faust app: two thin agents around the same pure stages as the embedded runner.

    posts.raw.v1 (keyed by source) --enrich--> posts.enriched.v1 (keyed by district) --detect--> alerts.v1
                        \\-- undecodable / wrong schema --> posts.dlq.v1                  \\--> risks.v1

`enrich` decodes replay records and calls enrich_batch (the expensive stage; every worker takes a share of the
raw partitions) and sends the results as bundles, one per raw partition (codec.py). `detect` re-keys nothing
itself: every bundle carries its district as the key, so a district's posts meet in one partition and one lane
(pipeline/stream/lane.py), whose state lives in the Faust table `lanes` (changelog topic, restored after a
restart or rebalance). The lane also runs the district's risk workflow; its numbered outputs go to risks.v1,
keyed by the district, for the sink to store and to show in the alert chat. A batch's outputs are delivered
before its offsets are committed and before the lane is saved; a crash makes Kafka redeliver, and the lane skips
posts it already has.

    app = build_app(settings, kit, topics)       # faust.App; app.main() / `dozor worker` runs it
"""
from __future__ import annotations

import logging
import os
import time
from datetime import datetime, timezone

import faust

from core.records import KAFKA_DEAD_LETTER_RAW_BYTES as RAW_LIMIT
from core.records import DeadLetter
from core.settings import Settings
from core.taxonomy import Topic
from pipeline.enrich import Kit, enrich_batch
from pipeline.stages import detector_factory, tracker_factory
from pipeline.stream import codec
from pipeline.stream.broker import TopicNames
from pipeline.stream.lane import Activity, Lane, admit, lane_state, release, restore_lane
from pipeline.stream.offsets import GuardedApp
from pipeline.stream.output import Output

log = logging.getLogger(__name__)
DETECT_BUNDLES = 50  # messages of posts.enriched.v1 per detection batch (a bundle holds up to enrich_batch posts)


def fatal(agent: str, e: Exception) -> None:
    """Crash-only: an agent that fails takes the worker down (a supervisor restarts it). Nothing of the failed
    batch was committed, and the lanes are restored from the changelog, as after kill -9."""
    log.critical("агент %s остановлен ошибкой; процесс завершается для перезапуска", agent, exc_info=e)
    logging.shutdown()
    os._exit(70)


async def batches(stream, n: int, within: float):
    """stream.take_events, except that a batch's offsets may be committed only after the agent finished it.

    Faust's take_events acks the events it yielded in a `finally`, so an agent cancelled mid-batch (a shutdown,
    or a rebalance restarting an isolated agent) would commit the offsets of posts it never processed; a
    rebalance test lost a post that way. Holding one more reference on each message makes that ack not the
    final one unless the body came back for the next batch."""
    async for events in stream.take_events(n, within=within):
        for ev in events:
            ev.message.incref()
        yield events
        for ev in events:           # reached only when the body finished the batch
            ev.message.decref()


def detection_key(kit: Kit) -> str:
    """One lane per district: the gazetteer's district (a story's posts may name no settlement at all)."""
    return kit.gazetteer.district or "district"


def build_app(settings: Settings, kit: Kit, topics: dict[str, Topic], stats: dict | None = None) -> faust.App:
    k = settings.kafka
    names = TopicNames.of(k)
    stats = stats if stats is not None else {}
    stats.update(enriched=0, dead_letters=0, detected=0, alerts=0, risk_outputs=0, enrich_s=0.0, detect_s=0.0)
    datadir = settings.data_dir / "faust" / f"{k.prefix}{k.app_id}"
    datadir.parent.mkdir(parents=True, exist_ok=True)
    app = GuardedApp(
        f"{k.prefix}{k.app_id}", broker=[f"kafka://{b.strip()}" for b in k.brokers.split(",")],
        store="memory://", datadir=str(datadir),
        topic_partitions=k.partitions, topic_replication_factor=k.replication, topic_allow_declare=True,
        topic_disable_leader=True, web_enabled=False, consumer_auto_offset_reset="earliest",
        broker_commit_interval=1.0, producer_max_request_size=8_000_000,   # lanes are compressed already
        table_standby_replicas=0, stream_wait_empty=True, consumer_max_fetch_size=16 * 1024 * 1024, broker_session_timeout=k.session_timeout_s,
        broker_heartbeat_interval=min(3.0, k.session_timeout_s / 4))
    app.dense_topics = {names.raw, names.enriched}     # commits never skip their offsets (offsets.py)

    def topic(name: str) -> faust.TopicT:
        return app.topic(name, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw",
                         partitions=k.partitions, replicas=k.replication)

    raw = topic(names.raw)
    # Keys of posts.enriched.v1 and of the table's changelog are the same JSON string, so the producer's
    # partitioner puts a district's lane state in the partition its posts are in (co-partitioned).
    enriched = app.topic(names.enriched, key_type=str, value_type=bytes, key_serializer="json",
                         value_serializer="raw", partitions=k.partitions, replicas=k.replication)
    lanes = app.Table("lanes", default=None, partitions=k.partitions, use_partitioner=True, key_type=str,
                      value_type=bytes,          # value (raw, bytes): the compressed lane (lane.py)
                      extra_topic_configs={"max.message.bytes": str(8 * 1024 * 1024)})   # a long buffer fits
    key = detection_key(kit)
    new_detector, new_tracker = detector_factory(settings, topics, kit.gazetteer), tracker_factory(settings)
    key_bytes = app.serializers.dumps_key(str, key, serializer="json")   # as Faust writes it (changelog too)
    out = Output(k.brokers)      # outputs bypass Faust's per-message sends (pipeline/stream/output.py)

    checked: list = []

    async def co_partitioned(partition: int) -> None:
        """Once: the lane's changelog partition is the partition its posts come from (and the producer knows the
        changelog topic, which it needs to pick that partition itself)."""
        if not checked:
            changelog = lanes.changelog_topic.get_topic_name()
            await app.producer._ensure_producer().partitions_for(changelog)
            if app.producer.key_partition(changelog, key_bytes).partition != partition:
                raise RuntimeError(f"{changelog}: partition of {key!r} differs from {names.enriched}")
            checked.append(True)

    activity: dict[str, Activity] = {}
    cache: dict[str, tuple[str, Lane]] = {}      # the lane last saved, while the table still holds that value

    @app.agent(raw, name="enrich")
    async def enrich(stream):
        try:
            await _enrich(stream)
        except Exception as e:
            fatal("enrich", e)

    @app.agent(enriched, name="detect", isolated_partitions=True)
    async def detect(stream):
        try:
            await _detect(stream)
        except Exception as e:
            fatal("detect", e)

    async def _enrich(stream):
        async for events in batches(stream, k.enrich_batch, k.batch_within_s):
            t = time.perf_counter()
            posts, srcs, letters = [], [], []
            for ev in events:
                try:
                    posts.append(codec.decode_post(ev.message.value, kit.max_text_chars))
                    srcs.append(ev.message.partition)
                except codec.BadMessage as e:
                    m = ev.message
                    letters.append(DeadLetter(origin=f"{m.topic}[{m.partition}]@{m.offset}",
                                              raw=codec.raw_text(m.value, RAW_LIMIT), reason=str(e),
                                              # the broker's time: the same when the batch is redone
                                              received_at=datetime.fromtimestamp(m.timestamp, timezone.utc)))
            by_src: dict[int, list] = {}
            for e, src in zip(enrich_batch(posts, kit), srcs):
                by_src.setdefault(src, []).append(e)
            # delivered before take_events acks the batch: one bundle per raw partition (codec.py)
            await out.deliver(names.enriched, ((key_bytes, value) for src, done in by_src.items()
                                               for value in codec.encode_enriched(done, src)))
            await out.deliver(names.dlq, ((d.origin.encode(), codec.encode_dead_letter(d)) for d in letters))
            stats["enriched"] += len(posts)
            stats["dead_letters"] += len(letters)
            stats["enrich_s"] += time.perf_counter() - t

    async def _detect(stream):
        async for events in batches(stream, DETECT_BUNDLES, k.batch_within_s):
            wall, t = time.monotonic(), time.perf_counter()
            by_key: dict[str, list] = {}
            for ev in events:
                items = by_key.setdefault(ev.key, [])
                try:
                    items.extend(codec.decode_enriched(ev.message.value))
                except codec.BadMessage as e:
                    log.error("пропущено сообщение %s[%d]@%d: %s", ev.message.topic, ev.message.partition,
                              ev.message.offset, e)
            for lane_key, items in by_key.items():
                act = activity.setdefault(lane_key, Activity(started=wall))
                saved = lanes.get(lane_key)
                if saved is None or cache.get(lane_key, (None,))[0] is not saved:   # not the value we wrote last
                    lane = restore_lane(saved, new_detector, new_tracker)
                else:
                    lane = cache[lane_key][1]
                cache.pop(lane_key, None)        # until saved again, the table's value is the only truth
                new = admit(lane, items, act, wall, k.idle_s)
                had = len(lane.buffer)
                found = release(lane, k.partitions, act, wall, k.idle_s, k.lateness_s)
                outputs = lane.outbox.take()
                # alerts and the workflow's outputs are out before the lane that produced them is saved
                await out.deliver(names.alerts, ((a.alert_id.encode(), codec.encode_alert(a)) for a in found))
                await out.deliver(names.risks, ((lane_key.encode(), codec.encode_output(lane_key, o))
                                                for o in outputs))
                if new or had != len(lane.buffer) or items:
                    await co_partitioned(events[-1].message.partition)
                    lanes[lane_key] = lane_state(lane)
                cache[lane_key] = (lanes.get(lane_key), lane)
                stats["detected"] += had - len(lane.buffer)
                stats["alerts"] += len(found)
                stats["risk_outputs"] += len(outputs)
                stats.setdefault("lanes", {})[lane_key] = {       # one entry per district (status file)
                    "waiting": len(lane.buffer),
                    "marks": {p: at.isoformat()[5:16] for p, at in sorted(lane.marks.items())}}
            stats["detect_s"] += time.perf_counter() - t

    @app.on_before_shutdown.connect
    async def close_output(app, **kwargs):
        await out.stop()

    @app.timer(interval=k.tick_s)
    async def tick():
        await enriched.send(key=key, value=codec.TICK)

    return app
