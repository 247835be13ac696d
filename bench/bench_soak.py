"""Soak: seven days of event time at ten times a busy district's rate through `dozor run`'s live handler and the
risk tracker (issue 16, 10) — is memory flat after the first day, is the time per post flat?

    python bench/bench_soak.py [--days 7] [--per-day 15000] [--out bench/results/soak.json]

A synthetic stream (no dataset needed): residents' chatter from eleven settlements' chats, and about three bursts an hour
of 4-6 complaints (seven problems x eleven places, each pair again after 25.5 hours, so each burst is a story). Posts arrive in polls of
ten simulated minutes, as `dozor run` hands them over: EmbeddedHandler (enrichment with the seed models,
detection, the risk tracker, the embedded ClickHouse) with its wall clock and horizon set to the simulated time;
the tracker's tick (SLA marks, verdicts, sync with the store) runs every simulated hour. Recorded per simulated
day: RSS (VmRSS, anonymous), posts, milliseconds per post, stories so far, and the sizes of the in-memory state.
Not a test: a benchmark, its figures go to bench/results/soak.json and the README.
"""
from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alerting.risk_store import RiskStore  # noqa: E402
from core.records import Post  # noqa: E402
from core.settings import Settings  # noqa: E402
from core.sources import SourceConfig  # noqa: E402
from core.taxonomy import load_topics  # noqa: E402
from pipeline.kit import load_kit  # noqa: E402
from pipeline.live import EmbeddedHandler  # noqa: E402
from pipeline.stages import detector_factory, risk_tracker  # noqa: E402
from storage.clickhouse import ClickHouseStore  # noqa: E402

START = datetime(2026, 1, 12, tzinfo=timezone.utc)
PLACES = ("Лычково", "Демянск", "Ильина Гора", "Песочки", "Кирилловщина", "Ямник", "Кневицы", "Вотолино",
          "Жирково", "Добросли", "Придорожная")
CHATTER = ("Продаю диван, недорого, самовывоз", "Кто знает, во сколько завтра автобус до Новгорода?",
           "Поздравляем выпускников школы!", "В субботу концерт в доме культуры, приходите",
           "Отдам котят в добрые руки", "Какая погода будет на выходных?", "Ищу репетитора по математике",
           "Спасибо волонтёрам за помощь на празднике", "Где купить саженцы яблонь?", "Потерялась собака, рыжая")
COMPLAINTS = ("{p}: нет воды уже который час, из крана ничего не течёт", "{p}: опять нет отопления, батареи холодные",
              "{p}: огромная яма на дороге, машины бьют колёса", "{p}: мусор не вывозят неделю, баки переполнены",
              "{p}: нет света на всей улице с утра", "{p}: автобус опять не пришёл, люди мёрзнут на остановке",
              "{p}: канализацию прорвало, нечистоты текут по улице")


def rss() -> dict:
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return {k: round(int(status[k].split()[0]) / 1024, 1) for k in ("VmRSS", "RssAnon")}


def stream(days: int, per_day: int, seed: int = 16):
    """(published_at, Post) in event time: chatter spread evenly, bursts of 4-6 complaints within 40 minutes."""
    rnd = random.Random(seed)
    posts = []
    burst_posts = int(days * 24 / 25.5 * len(PLACES) * len(COMPLAINTS) * 5)
    for i in range(days * per_day - burst_posts):
        at = START + timedelta(seconds=rnd.uniform(0, days * 86400))
        place = rnd.choice(PLACES)
        posts.append(Post(uid=f"vk:-{PLACES.index(place) + 1}_{i}", platform="vk",
                          source=f"vk:-{PLACES.index(place) + 1}", published_at=at,
                          text=f"{place}: {rnd.choice(CHATTER)}", author=f"id{rnd.randrange(20000)}"))
    combos = [(place, template) for template in COMPLAINTS for place in PLACES]
    rnd.shuffle(combos)
    every = timedelta(hours=25.5) / len(combos)                    # each (place, topic) again after 25.5 hours:
    n, k = 0, 0                                                    # past story_idle_s, so every burst is a story
    while (t0 := START + every * k) < START + timedelta(days=days):
        place, template = combos[k % len(combos)]
        k += 1
        for _ in range(rnd.randint(4, 6)):
            n += 1
            posts.append(Post(uid=f"vk:-99_{n}", platform="vk", source=f"vk:-{PLACES.index(place) + 1}",
                              published_at=t0 + timedelta(minutes=rnd.uniform(0, 40)),
                              text=template.format(p=place), author=f"id{rnd.randrange(20000)}"))
    return sorted(posts, key=lambda p: (p.published_at, p.uid))


def sizes(handler: EmbeddedHandler) -> dict:
    d, r = handler.detector, handler.risks
    return {"handler_alerts": len(handler.alerts), "detector_recent": len(d.recent), "detector_stories": len(d.stories),
            "detector_pending": sum(len(q) for q in d.pending.values()), "tracker_risks": len(r.risks),
            "tracker_seen": len(r.seen), "tracker_wake": len(r.wake), "tracker_linked": len(r.linked)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=7)
    ap.add_argument("--per-day", type=int, default=15_000, help="10x a busy district (about 1,500 posts a day)")
    ap.add_argument("--poll-min", type=float, default=10, help="simulated minutes between polls")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "soak.json")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dozor-soak-"))
    settings = Settings(data_dir=work, models_dir=ROOT.parent / "main" / "data" / "models"
                        if (ROOT.parent / "main" / "data" / "models").exists() else None)
    posts = stream(args.days, args.per_day)
    print(f"{len(posts)} posts over {args.days} days", flush=True)

    clock = [START]
    now = lambda: clock[0]                                         # noqa: E731 - the simulated wall clock
    store = ClickHouseStore.connect(f"chdb://{work / 'clickhouse'}", "soak-salt")
    store.migrate()
    topics = load_topics(settings.topics_file)
    risks, _ = risk_tracker(settings, store, "soak", topics, horizon=now)
    kit = load_kit(settings)
    handler = EmbeddedHandler(kit, detector_factory(settings, topics, kit.gazetteer)(horizon=now), store, "soak",
                              risks=risks, risk_store=RiskStore(store, "soak"), clock=now)
    sources = {f"vk:-{i + 1}": SourceConfig("vk", f"-{i + 1}", p) for i, p in enumerate(PLACES)}
    stories: set[str] = set()
    handler.on_alert = lambda alert, new: stories.add(alert.alert_id)
    days, i, poll = [], 0, timedelta(minutes=args.poll_min)
    next_tick = START + timedelta(hours=1)
    gc.collect()
    base = rss()
    print("start", base, flush=True)
    for day in range(args.days):
        day_end, started, n = START + timedelta(days=day + 1), time.perf_counter(), 0
        while clock[0] < day_end:
            clock[0] += poll
            batch = []
            while i < len(posts) and posts[i].published_at <= clock[0]:
                batch.append(posts[i])
                i += 1
            for source in sources:
                mine = tuple(p for p in batch if p.source == source)
                if mine:
                    handler(mine, sources[source])
            n += len(batch)
            if clock[0] >= next_tick:
                handler.tick(clock[0])
                next_tick += timedelta(hours=1)
        took = time.perf_counter() - started
        gc.collect()
        row = {"day": day + 1, "posts": n, "ms_per_post": round(1000 * took / max(n, 1), 2),
               "stories_so_far": len(stories), **rss(), **sizes(handler)}
        days.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    after_day1 = [d["VmRSS"] for d in days[1:]]
    result = {"what": "7 days of event time at 10x a busy district through EmbeddedHandler + RiskTracker "
                      f"(seed models, embedded ClickHouse), polls of {args.poll_min:g} simulated minutes, hourly ticks",
              "machine": {"python": platform.python_version(), "cpus": 2},
              "posts": len(posts), "stories": len(stories), "rss_start_mb": base, "days": days,
              "rss_growth_after_day1_mb": round(max(after_day1) - min(after_day1), 1) if after_day1 else None,
              "ms_per_post_day1_vs_last": [days[0]["ms_per_post"], days[-1]["ms_per_post"]]}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "days"}, ensure_ascii=False))
    store.close()


if __name__ == "__main__":
    main()
