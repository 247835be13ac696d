"""Pure VK parsers: wall item -> Post, comment -> Post, groups.getById item -> name, VK error -> Verdict.

Shapes follow VK API 5.199. Deleted items and items without text come back as None (the caller counts them);
an item missing its id or date, or with a text the store cannot take (a lone surrogate, over 20,000 characters),
raises InputError (the caller dead-letters it). No HTTP, no clock, no vk_api objects in or out.

    wall_item_to_post({"id": 812, "owner_id": -100001, "from_id": -100001, "date": 1774850400,
                       "text": "В Демянске нет воды"}, gid=100001)
    -> Post(uid="vk:-100001_812", source="vk:-100001", url="https://vk.com/wall-100001_812", author="vk:-100001", ...)
"""
from __future__ import annotations

from datetime import datetime, timezone

from collectors.backoff import Action, Verdict
from collectors.parse import InputError, checked_text, encodable
from core.records import Post, Reactions


def source_key(gid: int) -> str:
    return f"vk:-{gid}"


def post_uid(gid: int, post_id: int) -> str:
    return f"vk:-{gid}_{post_id}"


def comment_uid(gid: int, post_id: int, comment_id: int) -> str:
    return f"vk:-{gid}_{post_id}_c{comment_id}"


def post_url(gid: int, post_id: int, comment_id: int | None = None) -> str:
    url = f"https://vk.com/wall-{gid}_{post_id}"
    return url if comment_id is None else f"{url}?reply={comment_id}"


def item_id(item, field: str = "id") -> int:
    """A positive integer id, or InputError."""
    value = item.get(field) if isinstance(item, dict) else None
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit() or int(value) <= 0:
        raise InputError(f"нет или неверное поле {field}: {value!r}")
    return int(value)


def item_time(item) -> datetime:
    value = item.get("date")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(f"нет или неверная дата: {value!r}")
    try:
        return datetime.fromtimestamp(value, timezone.utc)
    except (OverflowError, ValueError, OSError):
        raise InputError(f"неверная дата: {value!r}") from None


def is_deleted(item) -> bool:
    return bool(item.get("deleted") or item.get("is_deleted"))


def count_of(block) -> int:
    """VK counters come as {"count": n} or n; anything odd is 0."""
    value = block.get("count") if isinstance(block, dict) else block
    try:
        return max(int(value or 0), 0)
    except (TypeError, ValueError, OverflowError):
        return 0


def _author(item) -> str | None:
    from_id = item.get("from_id")
    return f"vk:{from_id}" if isinstance(from_id, int) and from_id != 0 else None


def post_text(item) -> str:
    """The post's own text; a repost without its own words takes the reposted text (copy_history)."""
    text = item.get("text") if isinstance(item.get("text"), str) else ""
    if text.strip():
        return text
    for original in item.get("copy_history") or ():
        if isinstance(original, dict) and isinstance(original.get("text"), str) and original["text"].strip():
            return original["text"]
    return ""


def wall_item_to_post(item, gid: int, source_name: str | None = None) -> Post | None:
    """One wall.get item of community `gid`; None for a deleted post or one without text (photo only)."""
    post_id = item_id(item)
    text = post_text(item)
    if is_deleted(item) or not text.strip():
        return None
    published_at = item_time(item)
    return Post(uid=post_uid(gid, post_id), platform="vk", source=source_key(gid), published_at=published_at,
                text=checked_text(text), source_name=source_name, author=_author(item), url=post_url(gid, post_id),
                reactions=Reactions(likes=count_of(item.get("likes")), reposts=count_of(item.get("reposts")),
                                    comments=count_of(item.get("comments")),
                                    views=count_of(item.get("views"))))


def comment_parent_id(item, thread_root: int | None = None) -> int | None:
    """The comment this one answers: reply_to_comment, else its thread (parents_stack / the thread fetched)."""
    reply_to = item.get("reply_to_comment")
    if isinstance(reply_to, int) and reply_to > 0:
        return reply_to
    stack = item.get("parents_stack")
    if isinstance(stack, list) and stack and isinstance(stack[-1], int):
        return stack[-1]
    return thread_root


def comment_to_post(item, gid: int, post_id: int, source_name: str | None = None,
                    thread_root: int | None = None) -> Post | None:
    """One wall.getComments item (top level or thread reply) on post `post_id`; None when deleted or empty.

    parent_uid: the post for a top-level comment, the comment answered for a thread reply.
    """
    cid = item_id(item)
    text = item.get("text") if isinstance(item.get("text"), str) else ""
    if is_deleted(item) or not text.strip():
        return None
    published_at = item_time(item)
    parent = comment_parent_id(item, thread_root)
    return Post(uid=comment_uid(gid, post_id, cid), platform="vk", source=source_key(gid),
                published_at=published_at, text=checked_text(text), source_name=source_name, author=_author(item),
                url=post_url(gid, post_id, cid),
                parent_uid=comment_uid(gid, post_id, parent) if parent else post_uid(gid, post_id),
                reactions=Reactions(likes=count_of(item.get("likes"))))


def group_items(response) -> list[dict]:
    """groups.getById: a list before API 5.194, {"groups": [...], "profiles": [...]} since."""
    items = response.get("groups") if isinstance(response, dict) else response
    return [g for g in items if isinstance(g, dict)] if isinstance(items, list) else []


def group_display_name(item) -> str:
    """A community's name for people: its name, else its screen name, else club<id>. A name the store cannot take
    (a lone surrogate) is passed over: it would otherwise fail every post of the community."""
    for field in ("name", "screen_name"):
        if isinstance(item.get(field), str) and item[field].strip():
            try:
                return encodable(item[field].strip(), field)
            except InputError:
                continue
    return f"club{item.get('id', '?')}"


_RETRY = {6: "слишком много запросов к VK", 9: "VK включил флуд-контроль", 10: "внутренняя ошибка сервера VK"}
_SKIP = {15: "доступ к сообществу закрыт", 18: "страница удалена или заблокирована",
         30: "профиль закрыт", 100: "неверный параметр запроса (нет такого сообщества или записи)",
         113: "неверный идентификатор сообщества", 212: "комментарии к записи закрыты"}
_FAIL = {14: "VK требует капчу", 17: "VK требует подтвердить аккаунт"}


def classify_http_status(status: int, retry_after: str | None = None) -> Verdict:
    """A non-200 answer: 429 and 5xx are retried (after Retry-After seconds when given), the rest fail."""
    if status == 429 or status >= 500:
        try:
            after_s = float(retry_after) if retry_after is not None else None
        except ValueError:
            after_s = None                                 # an HTTP date: fall back to our own backoff
        return Verdict(Action.RETRY_AFTER, f"VK ответил HTTP {status}", after_s)
    return Verdict(Action.FAIL, f"VK ответил HTTP {status}")


def classify_vk_error(error) -> Verdict:
    """A VK error object {"error_code", "error_msg", ...} -> what to do, with a reason staff can read."""
    code = error.get("error_code") if isinstance(error, dict) else None
    if code in _RETRY:
        return Verdict(Action.RETRY_AFTER, f"{_RETRY[code]} (ошибка VK {code})")
    if code == 29:
        return Verdict(Action.QUOTA, "исчерпан суточный лимит запросов к VK (ошибка VK 29)")
    if code == 5:
        return Verdict(Action.AUTH, "токен VK недействителен, нужен новый (ошибка VK 5)")
    if code in _SKIP:
        return Verdict(Action.SKIP_SOURCE, f"{_SKIP[code]} (ошибка VK {code})")
    if code in _FAIL:
        return Verdict(Action.FAIL, f"{_FAIL[code]} (ошибка VK {code})")
    message = str(error.get("error_msg", ""))[:200] if isinstance(error, dict) else ""
    return Verdict(Action.FAIL, f"ошибка VK {code}: {message}" if message else f"ошибка VK {code}")
