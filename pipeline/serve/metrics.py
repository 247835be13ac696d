"""GET /metrics: Prometheus text, every name starting dozor_. Counts are read from the database at each scrape
(so they match it, across restarts); what only this process knows (chat API errors, write latency, memory,
each part's state) is kept here.

    metrics = Metrics(ConsoleQueries(store), health, settings.risks)
    metrics.chat_errors.labels("sendMessage").inc()
    store.client = TimedClient(store.client, metrics.db_write)       # inserts and commands timed
    body = metrics.render()                                          # text/plain; version=0.0.4
"""
from __future__ import annotations

import time
from datetime import datetime, timezone

from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class _Database:
    """A custom collector: the database's figures at scrape time."""

    def __init__(self, queries, health, risks):
        self.queries, self.health, self.risks = queries, health, risks

    def collect(self):
        now = datetime.now(timezone.utc)
        f = self.queries.figures(now, self.risks.answer_deadline_s, self.risks.answer_norm_s)
        collected = CounterMetricFamily("dozor_posts_collected", "Posts and comments handed on by polls",
                                        labels=["source"])
        errors = CounterMetricFamily("dozor_poll_errors", "Failed polls", labels=["source"])
        age = GaugeMetricFamily("dozor_last_successful_poll_age_seconds", "Seconds since the source's last good poll",
                                labels=["source"])
        for source, p in sorted(f["polls"].items()):
            collected.add_metric([source], p["collected"])
            errors.add_metric([source], p["errors"])
            if p["last_ok"] is not None:
                age.add_metric([source], max(0.0, (now - p["last_ok"]).total_seconds()))
        processed = CounterMetricFamily("dozor_posts_processed", "Distinct posts stored", labels=["source"])
        for source, n in sorted(f["processed"].items()):
            processed.add_metric([source], n)
        alerts = CounterMetricFamily("dozor_alerts", "Alerts (stories) by their current level", labels=["level"])
        for level, n in sorted(f["alerts"].items()):
            alerts.add_metric([level], n)
        overdue = GaugeMetricFamily("dozor_risks_overdue", "Open risks without an answer past the mark",
                                    labels=["mark"])
        overdue.add_metric(["norm"], f["overdue_norm"])
        overdue.add_metric(["deadline"], f["overdue_deadline"])
        yield from (collected, processed, errors, age, alerts, overdue,
                    CounterMetricFamily("dozor_dead_letters", "Records set aside with a reason",
                                        value=f["dead_letters"]),
                    GaugeMetricFamily("dozor_risks_open", "Open risks", value=f["open"]))
        up = GaugeMetricFamily("dozor_component_up", "1 when the part's last step went well", labels=["component"])
        for name, view in self.health.snapshot()["components"].items():
            up.add_metric([name], 1.0 if view["state"] == "ok" else 0.0)
        yield up


class Metrics:
    def __init__(self, queries, health, risks):
        self.registry = CollectorRegistry()
        self.chat_errors = Counter("dozor_chat_api_errors", "Failed Bot API calls", ["method"], registry=self.registry)
        self.db_write = Histogram("dozor_db_write_seconds", "Database writes (inserts, commands)",
                                  buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
                                  registry=self.registry)
        ProcessCollector(namespace="dozor", registry=self.registry)
        self.registry.register(_Database(queries, health, risks))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class TimedClient:
    """A clickhouse-connect client whose inserts and commands are timed into a histogram."""

    def __init__(self, client, histogram):
        self._client, self._histogram = client, histogram

    def insert(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return self._client.insert(*args, **kwargs)
        finally:
            self._histogram.observe(time.perf_counter() - started)

    def __getattr__(self, name):
        return getattr(self._client, name)
