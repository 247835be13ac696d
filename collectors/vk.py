"""VK collector: community walls and their comments, incrementally by id, through the VK JSON API.

Transport: vk_api.VkApi (vk-api 11.10). It is practical once three habits are switched off (read in its source):
- the host is hard-coded (https://api.vk.ru/method/ in 11.10, api.vk.com before): our own requests.Session
  has an adapter on both hosts that rewrites the URL to `api_base` and adds a timeout (vk_api passes none);
- it sleeps RPS_DELAY = 0.34 s with time.sleep: 0 on the instance; `min_interval_s` sleeps via injected `sleep`;
- it retries error 6 silently without limit and builds Captcha for 14: error_handlers emptied, so every API
  error is an ApiError and goes through collectors.backoff like every other collector's.
It still gives us form-POSTed calls (the token rides in the body, never in a URL or a urllib3 log line),
`v` and `access_token` on every call, and ApiError / ApiHttpError.

poll(): wall.get newest first by offset down to the cursor's last post id (first run: `backfill_days` back); a
pinned post neither stops paging nor comes twice. Comments (threads included) for new posts, and for watched
posts younger than `comments_watch_s` whose comment count on the wall changed. RETRY_AFTER errors are retried;
the rest raise SourceUnavailable with a Russian reason, except one post's comments failing: that post is skipped.
A malformed item (no id, a date that is not a number, a text the store cannot take) costs only itself: it comes
back in the batch's dead_letters with the reason, and the cursor moves on past it.
"""
from __future__ import annotations

import json
import logging
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

import requests
import vk_api
from jconfig import MemoryConfig
from requests.adapters import HTTPAdapter
from vk_api.exceptions import ApiError, ApiHttpError, VkApiError

from collectors.backoff import Action, RetryPolicy, SourceUnavailable, Verdict, call_with_retry
from collectors.parse import InputError, storable
from collectors.vk_parse import (
    classify_http_status,
    classify_vk_error,
    comment_to_post,
    count_of,
    group_display_name,
    group_items,
    is_deleted,
    item_id,
    item_time,
    wall_item_to_post,
)
from core.records import DeadLetter, Post
from core.sources import Batch, Cursor, SourceConfig

log = logging.getLogger(__name__)

API_BASE = "https://api.vk.com/method"
VK_HOSTS = ("https://api.vk.ru/method", "https://api.vk.com/method")
COMMENTS_PAGE = 100
THREAD_ITEMS = 10
MAX_WALL_PAGES = 50                      # a bound on one poll's paging (5,000 posts at 100 a page)
_NUMERIC_ID = re.compile(r"-?(\d+)|(?:club|public|event)(\d+)")
_GROUP_TYPES = ("group", "page", "event")


class _RewriteAdapter(HTTPAdapter):
    """Sends vk_api's requests for api.vk.ru / api.vk.com to `api_base`, with a timeout."""

    def __init__(self, api_base: str, timeout_s: float) -> None:
        super().__init__(max_retries=0)
        self.api_base, self.timeout_s = api_base.rstrip("/"), timeout_s

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        for host in VK_HOSTS:
            if request.url.startswith(host + "/"):
                request.url = self.api_base + request.url[len(host):]
                break
        return super().send(request, stream=stream, timeout=timeout or self.timeout_s, verify=verify, cert=cert,
                            proxies=proxies)


def make_vk_api(token: str, api_base: str, api_version: str, timeout_s: float) -> vk_api.VkApi:
    session = requests.Session()
    adapter = _RewriteAdapter(api_base, timeout_s)
    for host in VK_HOSTS:
        session.mount(host.removesuffix("/method") + "/", adapter)
    api = vk_api.VkApi(token=token, api_version=api_version, session=session, config=MemoryConfig)
    api.RPS_DELAY = 0            # our throttle sleeps through the injected sleep
    api.error_handlers = {}      # no silent retries of 6, no Captcha objects: every error is an ApiError
    return api


def classify_exception(exc: BaseException) -> Verdict | None:
    """vk_api / requests errors -> Verdict; None for anything else (a bug: let it raise)."""
    if isinstance(exc, ApiError):
        return classify_vk_error(exc.error)
    if isinstance(exc, ApiHttpError):
        return classify_http_status(exc.response.status_code, exc.response.headers.get("Retry-After"))
    if isinstance(exc, requests.RequestException):
        return Verdict(Action.RETRY_AFTER, f"нет связи с VK ({type(exc).__name__})")
    if isinstance(exc, VkApiError):
        return Verdict(Action.FAIL, f"ошибка клиента VK ({type(exc).__name__})")
    return None


@dataclass(frozen=True, slots=True)
class PollStats:
    source: str
    posts: int = 0
    comments: int = 0
    skipped: int = 0            # deleted, empty or malformed items
    comment_errors: int = 0     # posts whose comments could not be read this time
    calls: int = 0


class VKCollector:
    platform = "vk"

    def __init__(self, token, *, api_base: str = API_BASE, api_version: str = "5.199", backfill_days: float = 3,
                 comments_watch_s: float = 2 * 86400, page_size: int = 100,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                 sleep: Callable[[float], None] = time.sleep, retry: RetryPolicy = RetryPolicy(),
                 min_interval_s: float = 0.34, timeout_s: float = 30.0, batch_calls: int = 25) -> None:
        """token: str or SecretStr; clock: aware UTC now; sleep: what every pause goes through."""
        secret = token.get_secret_value() if hasattr(token, "get_secret_value") else str(token)
        self._api = make_vk_api(secret, api_base, api_version, timeout_s)
        self.api_base, self.api_version = api_base, api_version
        self.backfill_days, self.comments_watch_s, self.page_size = backfill_days, comments_watch_s, page_size
        self.min_interval_s, self.retry, self.batch_calls = min_interval_s, retry, min(batch_calls, 25)
        self._first_pages: dict[tuple[int, int], dict] = {}
        self._clock, self._sleep = clock, sleep
        self._last_call_at: datetime | None = None
        self._calls = 0
        self._gids: dict[str, int] = {}      # source id as configured -> community id
        self._names: dict[int, str] = {}
        self._letters: list[DeadLetter] = []   # this poll's malformed items
        self.last_stats: PollStats | None = None

    def __repr__(self) -> str:               # never the token
        return f"VKCollector(api_base={self.api_base!r}, api_version={self.api_version!r})"

    # --- calls ------------------------------------------------------------------------------------------------
    def _throttle(self) -> None:
        if self.min_interval_s > 0 and self._last_call_at is not None:
            wait_s = self.min_interval_s - (self._clock() - self._last_call_at).total_seconds()
            if wait_s > 0:
                self._sleep(wait_s)
        self._last_call_at = self._clock()

    def _call(self, method: str, **params):
        def once():
            self._throttle()
            self._calls += 1
            return self._api.method(method, params)
        return call_with_retry(once, classify_exception, self._sleep, self.retry)

    # --- sources ----------------------------------------------------------------------------------------------
    def group_id(self, source: SourceConfig) -> int:
        """-123, 123, club123, public123 as they are; a screen name through utils.resolveScreenName (cached)."""
        ref = source.id.strip().removeprefix("https://vk.com/").strip("/")
        if ref not in self._gids:
            match = _NUMERIC_ID.fullmatch(ref)
            if match:
                self._gids[ref] = int(match.group(1) or match.group(2))
            else:
                found = self._call("utils.resolveScreenName", screen_name=ref)
                if not isinstance(found, dict) or not found.get("object_id"):
                    raise SourceUnavailable(f"сообщество VK «{ref}» не найдено", Action.SKIP_SOURCE)
                if found.get("type") not in _GROUP_TYPES:
                    raise SourceUnavailable(f"«{ref}» в VK не сообщество, а {found.get('type')}", Action.SKIP_SOURCE)
                self._gids[ref] = int(found["object_id"])
        return self._gids[ref]

    def group_name(self, gid: int) -> str:
        if gid not in self._names:
            items = group_items(self._call("groups.getById", group_id=gid))
            self._names[gid] = group_display_name(items[0]) if items else f"club{gid}"
        return self._names[gid]

    def check(self, source: SourceConfig) -> str:
        """The community's name if its wall can be read now; SourceUnavailable (Russian reason) if not."""
        gid = self.group_id(source)
        self._call("wall.get", owner_id=-gid, count=1)
        return self.group_name(gid)

    # --- one poll ---------------------------------------------------------------------------------------------
    def poll(self, source: SourceConfig, cursor: Cursor | None) -> Batch:
        calls_before, tally, self._letters = self._calls, Counter(), []
        gid = self.group_id(source)
        name = source.name or self.group_name(gid)
        cursor = cursor or Cursor(source=source.key)
        now_ts = self._clock().timestamp()
        cutoff_ts = None if cursor.backfilled else now_ts - self.backfill_days * 86400
        horizon_ts = now_ts - self.comments_watch_s if cursor.watch else None
        fresh, counts, bad_ids = self._scan_wall(gid, cursor.last_id, cutoff_ts, horizon_ts, tally)
        fresh.reverse()                                    # oldest first from here on
        posts = [p for item in fresh for p in self._parsed(wall_item_to_post, tally, item, gid, name)]
        watch, meta = self._comments_round(gid, name, cursor, fresh, counts, now_ts, posts, tally)

        posts.sort(key=lambda p: (p.published_at, p.uid))
        n_comments = sum(1 for p in posts if p.parent_uid)
        stats = self.last_stats = PollStats(source.key, len(posts) - n_comments, n_comments, tally["skipped"],
                                            tally["comment_errors"], self._calls - calls_before)
        log.info("%s: %d posts, %d comments, %d skipped, %d comment errors, %d calls", stats.source, stats.posts,
                 stats.comments, stats.skipped, stats.comment_errors, stats.calls)
        return Batch(source=source.key, posts=tuple(posts), dead_letters=tuple(self._letters),
                       cursor=advance_cursor(cursor, fresh, watch, meta, bad_ids))

    def _comments_round(self, gid: int, name: str, cursor: Cursor, fresh: list[dict], counts: dict[int, int],
                        now_ts: float, posts: list[Post], tally: Counter) -> tuple[dict[int, int], dict]:
        """Comments of the new posts and of the watched ones whose count on the wall changed, into `posts`.
        Returns the new watch {post id: last comment id} and its meta {post id: (posted at, comment count)}."""
        meta, watch = _watch_meta(cursor), {}
        live = [pid for pid, _ in cursor.watch if pid in meta and now_ts - meta[pid][0] < self.comments_watch_s]
        self._prefetch(gid, [pid for pid in live if counts.get(pid) is None or counts[pid] != meta[pid][1]]
                       + [int(i["id"]) for i in fresh if count_of(i.get("comments")) > 0])
        for pid, last_cid in cursor.watch:
            posted_ts, known = meta.get(pid, (None, None))
            if posted_ts is None or now_ts - posted_ts >= self.comments_watch_s:
                continue                                   # expired: no longer re-polled
            seen = counts.get(pid)
            if seen is not None and seen == known:
                watch[pid] = last_cid                      # nothing new under it
            elif self._watch_comments(gid, pid, last_cid, name, posts, watch, tally):
                meta[pid] = (posted_ts, known if seen is None else seen)
        for item in fresh:
            pid, n_comments, posted_ts = int(item["id"]), count_of(item.get("comments")), item["date"]
            if n_comments == 0:
                watch[pid], ok = 0, True
            else:
                ok = self._watch_comments(gid, pid, 0, name, posts, watch, tally)
            meta[pid] = (posted_ts, n_comments if ok else -1)     # -1: unknown, read again next time
            if now_ts - posted_ts >= self.comments_watch_s:
                watch.pop(pid, None)                       # backfilled, already too old to watch
        return watch, {pid: m for pid, m in meta.items() if pid in watch}

    def _scan_wall(self, gid: int, stop_id: int, cutoff_ts: float | None, horizon_ts: float | None,
                   tally: Counter) -> tuple[list[dict], dict[int, int], list[int]]:
        """New wall items (id > stop_id, not before cutoff) newest first, the comment count of every item seen,
        and the ids of new items dead-lettered (the cursor passes them: they are not read again). Paging goes on
        past the new ones while watched posts (younger than horizon) may still come."""
        fresh, counts, bad_ids, offset = [], {}, [], 0
        for _ in range(MAX_WALL_PAGES):
            page = self._call("wall.get", owner_id=-gid, offset=offset, count=self.page_size, filter="all")
            items = page.get("items") if isinstance(page, dict) else None
            if not isinstance(items, list) or not items:
                break
            for item in items:
                pid = None
                try:
                    pid = item_id(item)
                    if is_deleted(item):                   # gone before we saw it; may carry no date
                        tally["skipped"] += 1 if pid > stop_id else 0
                        continue
                    date = item_time(item).timestamp()
                except InputError as e:
                    if pid is None or pid > stop_id and pid not in bad_ids:
                        self._skip(gid, item, str(e), tally)
                        bad_ids += [] if pid is None else [pid]
                    continue
                if pid in counts:
                    continue                               # shifted into this page by a new post
                counts[pid] = count_of(item.get("comments"))
                if pid > stop_id and (cutoff_ts is None or date >= cutoff_ts):
                    fresh.append(item)
                elif not item.get("is_pinned") and (horizon_ts is None or date < horizon_ts):
                    return fresh, counts, bad_ids          # older than everything we still need
            offset += len(items)
            if offset >= count_of(page.get("count")):
                break
        return fresh, counts, bad_ids

    def _watch_comments(self, gid: int, pid: int, last_cid: int, name: str, posts: list[Post],
                        watch: dict[int, int], tally: Counter) -> bool:
        """Comments of one post newer than last_cid into `posts`, its watch entry into `watch`; False if unread."""
        try:
            found, max_cid = self._comments(gid, pid, last_cid, name, tally)
        except SourceUnavailable as e:
            if e.action not in (Action.SKIP_SOURCE, Action.FAIL):
                raise                                      # quota, auth, overload: the whole source waits
            tally["comment_errors"] += 1
            log.warning("vk:-%d_%d: комментарии не прочитаны: %s", gid, pid, e.reason)
            if e.action is Action.FAIL:
                watch[pid] = last_cid                      # try again next poll
            return False                                   # SKIP_SOURCE: post gone or closed, stop watching
        posts += found
        watch[pid] = max_cid
        return True

    def _comments(self, gid: int, pid: int, last_cid: int, name: str, tally: Counter) -> tuple[list[Post], int]:
        found, max_cid = [], last_cid
        for top in self._comment_pages(gid, pid, thread_items_count=THREAD_ITEMS, extended=0):
            thread = top.get("thread") if isinstance(top.get("thread"), dict) else {}
            replies = thread.get("items") if isinstance(thread.get("items"), list) else []
            try:
                root = item_id(top)
            except InputError as e:
                self._skip(gid, top, str(e), tally, pid)
                continue
            if count_of(thread) > len(replies):
                replies = list(self._comment_pages(gid, pid, comment_id=root, extended=0))
            for item, thread_root in [(top, None), *((r, root) for r in replies)]:
                cid = item.get("id") if isinstance(item, dict) else None
                if isinstance(cid, int) and cid <= last_cid:
                    continue
                found += self._parsed(comment_to_post, tally, item, gid, pid, name, thread_root)
                max_cid = max(max_cid, cid if isinstance(cid, int) else 0)
        return found, max_cid

    def _prefetch(self, gid: int, pids: list[int]) -> None:
        """First comment pages of several posts through `execute`, up to `batch_calls` API calls per request: one
        HTTP call (and one step of the rate limit) instead of one per post. A call that failed inside it (`false`
        in the answer) is left out and made again directly, through the usual error handling."""
        self._first_pages = {}
        if self.batch_calls < 2 or len(pids) < 2:
            return
        for start in range(0, len(pids), self.batch_calls):
            chunk = pids[start:start + self.batch_calls]
            code = "return [" + ",".join("API.wall.getComments(" + json.dumps(
                {"owner_id": -gid, "post_id": pid, "offset": 0, "count": COMMENTS_PAGE, "sort": "asc",
                 "thread_items_count": THREAD_ITEMS, "extended": 0}) + ")" for pid in chunk) + "];"
            try:
                answers = self._call("execute", code=code)
            except SourceUnavailable as e:
                if e.action not in (Action.SKIP_SOURCE, Action.FAIL):
                    raise
                log.warning("vk:-%d: execute не прошёл (%s), комментарии по одному", gid, e.reason)
                continue
            for pid, answer in zip(chunk, answers if isinstance(answers, list) else [], strict=False):
                if isinstance(answer, dict):
                    self._first_pages[(gid, pid)] = answer

    def _comment_pages(self, gid: int, pid: int, **params):
        offset = 0
        while True:
            page = None if offset or "comment_id" in params else self._first_pages.pop((gid, pid), None)
            if page is None:
                page = self._call("wall.getComments", owner_id=-gid, post_id=pid, offset=offset,
                                  count=COMMENTS_PAGE, sort="asc", **params)
            items = page.get("items") if isinstance(page, dict) else None
            if not isinstance(items, list) or not items:
                return
            yield from (item for item in items if isinstance(item, dict))
            offset += len(items)
            if offset >= count_of(page.get("current_level_count", page.get("count"))):
                return

    def _parsed(self, parse, tally: Counter, item, gid: int, *args) -> list[Post]:
        """[Post] from a parser, or []: None (deleted, no text) counted as skipped, InputError (malformed) also
        dead-lettered."""
        try:
            post = parse(item, gid, *args)
        except InputError as e:
            self._skip(gid, item, str(e), tally, args[0] if parse is comment_to_post else None)
            return []
        tally["skipped"] += post is None
        return [] if post is None else [post]

    def _skip(self, gid: int, item, reason: str, tally: Counter, post_id: int | None = None) -> None:
        """A malformed item: counted, logged and kept for dead_letters with its reason."""
        tally["skipped"] += 1
        origin = dead_letter_origin(gid, item, post_id)
        log.warning("%s: запись отложена в dead_letters: %s", origin, reason)
        self._letters.append(DeadLetter(origin, raw_json(item), reason, self._clock()))


def dead_letter_origin(gid: int, item, post_id: int | None = None) -> str:
    """Where a bad item came from: "vk:-<gid>_<post>" for a wall item, "vk:-<gid>_<post>_c<comment>" for a comment
    (its ids as VK sent them, whatever they are)."""
    own = str(item.get("id"))[:40] if isinstance(item, dict) else "?"
    return f"vk:-{gid}_{own}" if post_id is None else f"vk:-{gid}_{post_id}_c{own}"


def raw_json(item) -> str:
    """The item as received, as JSON with non-ASCII escaped: a lone surrogate in it stays storable."""
    try:
        return json.dumps(item, ensure_ascii=True, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return storable(repr(item))


def advance_cursor(cursor: Cursor, fresh: list[dict], watch: dict[int, int], meta: dict,
                   bad_ids: list[int] = ()) -> Cursor:
    """The cursor after a poll: past the new items (dead-lettered ones too), the new watch list, backfilled."""
    newest_at = datetime.fromtimestamp(max(i["date"] for i in fresh), timezone.utc) if fresh else None
    return Cursor(source=cursor.source, last_id=max([cursor.last_id, *(int(i["id"]) for i in fresh), *bad_ids]),
                  last_post_at=max(filter(None, (cursor.last_post_at, newest_at)), default=None),
                  watch=tuple(sorted(watch.items())), backfilled=True,
                  extra={**cursor.extra, "watch_meta": {str(pid): list(m) for pid, m in meta.items()}})


def _watch_meta(cursor: Cursor) -> dict[int, tuple[float, int]]:
    """cursor.extra["watch_meta"]: {"<post id>": [posted unix time, comment count at the last look]}."""
    try:
        return {int(pid): (float(m[0]), int(m[1])) for pid, m in cursor.extra.get("watch_meta", {}).items()}
    except (AttributeError, TypeError, ValueError, IndexError):
        return {}
