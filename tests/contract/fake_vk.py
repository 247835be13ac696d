"""A VK JSON API on 127.0.0.1 for contract tests: real HTTP, the real envelope, recorded requests.

    with FakeVK(token="…") as vk:                 # ThreadingHTTPServer on port 0, in a daemon thread
        vk.add_community(PODSLUSHANO)             # groups.getById item + wall items + comment trees
        vk.fail_next("wall.get", 6, times=2)      # the next two wall.get calls answer {"error": {"error_code": 6…}}
        vk.deny(210003, 15)                       # this community answers 15 to everything
        ... VKCollector(token, api_base=vk.api_base) ...
        vk.calls("wall.get")                      # [Call(method, params, http_method, path), …] as received

Methods: wall.get, wall.getComments (top level with inline threads, or one thread by comment_id),
groups.getById (5.194+ shape {"groups": [...], "profiles": []}), utils.resolveScreenName, and execute with a list
of such calls (each recorded as its own Call with http_method "execute"). A wrong access_token
answers error 5, an unknown method error 3. Comment counts on wall items are computed from the comment trees.
"""
from __future__ import annotations

import copy
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.loopback import Loopback

MESSAGES = {3: "Unknown method passed", 5: "User authorization failed: invalid access_token (4).",
            6: "Too many requests per second", 9: "Flood control", 10: "Internal server error",
            14: "Captcha needed", 15: "Access denied: this wall available only for community members",
            18: "User was deleted or banned", 29: "Rate limit reached", 30: "This profile is private",
            100: "One of the parameters specified was missing or invalid", 113: "Invalid user id",
            212: "Access to post comments denied"}


class VKError(Exception):
    def __init__(self, code: int, msg: str | None = None) -> None:
        super().__init__(code)
        self.code, self.msg = code, msg or MESSAGES.get(code, "Unknown error")


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, str]     # query string and form body together, as received (access_token included)
    http_method: str
    path: str                  # with the query string, as it appeared in the request line


@dataclass
class _Injection:
    method: str
    times: int
    code: int | None = None
    http_status: int | None = None
    retry_after: str | None = None


@dataclass
class FakeVK(Loopback):
    token: str
    groups: dict[int, dict] = field(default_factory=dict)          # gid -> groups.getById item
    screen_names: dict[str, dict] = field(default_factory=dict)    # name -> {"type", "object_id"}
    walls: dict[int, dict[int, dict]] = field(default_factory=dict)  # gid -> post id -> wall item
    comments: dict[tuple[int, int], list[dict]] = field(default_factory=dict)  # top comments, "replies" inside
    denied: dict[tuple[int, int | None], int] = field(default_factory=dict)  # (gid, post id or None) -> code
    received: list[Call] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._injections: list[_Injection] = []
        self.listen(_handler_for(self))

    # --- lifecycle --------------------------------------------------------------------------------------------
    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/method"

    # --- state ------------------------------------------------------------------------------------------------
    def add_community(self, community: dict) -> None:
        gid = community["group"]["id"]
        self.groups[gid] = copy.deepcopy(community["group"])
        self.screen_names[community["group"]["screen_name"]] = {"type": "group", "object_id": gid}
        self.walls[gid] = {}
        for item in community["posts"]:
            self.add_post(gid, item)
        for post_id, tree in community.get("comments", {}).items():
            self.comments[(gid, post_id)] = copy.deepcopy(tree)

    def add_post(self, gid: int, item: dict) -> None:
        self.walls.setdefault(gid, {})[item["id"]] = copy.deepcopy(item)

    def add_comment(self, gid: int, post_id: int, comment: dict, thread: int | None = None) -> None:
        tree = self.comments.setdefault((gid, post_id), [])
        if thread is None:
            tree.append(copy.deepcopy(comment))
        else:
            next(c for c in tree if c["id"] == thread).setdefault("replies", []).append(copy.deepcopy(comment))

    def deny(self, gid: int, code: int, post_id: int | None = None) -> None:
        """Answer `code` for the community (or, with post_id, for that post's comments) until told otherwise."""
        self.denied[(gid, post_id)] = code

    def fail_next(self, method: str, code: int, times: int = 1) -> None:
        self._injections.append(_Injection(method, times, code=code))

    def fail_http(self, method: str, status: int, times: int = 1, retry_after: str | None = None) -> None:
        self._injections.append(_Injection(method, times, http_status=status, retry_after=retry_after))

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self.received if method is None or c.method == method]

    # --- serving ----------------------------------------------------------------------------------------------
    def handle(self, call: Call) -> tuple[int, dict, dict]:
        """(HTTP status, headers, JSON body) for one request."""
        with self._lock:
            self.received.append(call)
            for inj in self._injections:
                if inj.method == call.method and inj.times > 0:
                    inj.times -= 1
                    if inj.http_status:
                        return inj.http_status, {"Retry-After": inj.retry_after} if inj.retry_after else {}, {}
                    return 200, {}, _error(call, VKError(inj.code))
            try:
                if call.params.get("access_token") != self.token:
                    raise VKError(5)
                if call.method == "execute":
                    return 200, {}, self._execute(call)
                route = _ROUTES.get(call.method)
                if route is None:
                    raise VKError(3)
                return 200, {}, {"response": route(self, call.params)}
            except VKError as e:
                return 200, {}, _error(call, e)

    def _execute(self, call: Call) -> dict:
        """execute with code of the form `return [API.m1({...}), API.m2({...})];` (all Дозор sends): every inner
        call is recorded as a Call of its own (http_method "execute"); a failed one is `false` in the answer and
        an entry in execute_errors, as VK does. At most 25 calls."""
        inner = _API_CALL.findall(call.params.get("code", ""))
        if not inner or len(inner) > 25:
            raise VKError(13, "Runtime error occurred during code invocation")
        answers, errors = [], []
        for method, body in inner:
            params = {k: str(v) for k, v in json.loads(body).items()}
            sub = Call(method, {**params, "access_token": call.params["access_token"]}, "execute", call.path)
            self.received.append(sub)
            try:
                injected = next((i for i in self._injections if i.method == method and i.times > 0 and i.code), None)
                if injected is not None:
                    injected.times -= 1
                    raise VKError(injected.code)
                route = _ROUTES.get(method)
                if route is None:
                    raise VKError(3)
                answers.append(route(self, params))
            except VKError as e:
                answers.append(False)
                errors.append({"method": method, "error_code": e.code, "error_msg": e.msg})
        return {"response": answers, **({"execute_errors": errors} if errors else {})}

    def _check(self, gid: int, post_id: int | None = None) -> None:
        for key in ((gid, None), (gid, post_id)):
            if key in self.denied:
                raise VKError(self.denied[key])

    def wall_get(self, p: dict) -> dict:
        gid = -int(p["owner_id"])
        self._check(gid)
        if gid not in self.walls:
            raise VKError(100, "One of the parameters specified was missing or invalid: owner_id is incorrect")
        items = sorted(self.walls[gid].values(), key=lambda i: (not i.get("is_pinned"), -i["id"]))
        offset, count = int(p.get("offset", 0)), min(int(p.get("count", 20)), 100)
        page = [self._with_counts(gid, i) for i in items[offset:offset + count]]
        return {"count": len(items), "items": page}

    def _with_counts(self, gid: int, item: dict) -> dict:
        item = copy.deepcopy(item)
        tree = self.comments.get((gid, item["id"]), [])
        if "comments" in item:
            item["comments"]["count"] = sum(1 + len(c.get("replies", [])) for c in tree)
        return item

    def wall_get_comments(self, p: dict) -> dict:
        gid, post_id = -int(p["owner_id"]), int(p["post_id"])
        self._check(gid, post_id)
        if post_id not in self.walls.get(gid, {}):
            raise VKError(100, "One of the parameters specified was missing or invalid: post_id is undefined")
        tree = self.comments.get((gid, post_id), [])
        offset, count = int(p.get("offset", 0)), min(int(p.get("count", 10)), 100)
        if "comment_id" in p:
            root = next((c for c in tree if c["id"] == int(p["comment_id"])), None)
            if root is None:
                raise VKError(100, "One of the parameters specified was missing or invalid: comment_id")
            level = [_render(r, gid, post_id, [root["id"]]) for r in root.get("replies", [])]
            total = len(level)
        else:
            inline = min(int(p.get("thread_items_count", 0)), 10)
            level = [_render(c, gid, post_id, [], inline) for c in tree]
            total = sum(1 + len(c.get("replies", [])) for c in tree)
        if p.get("sort") == "desc":
            level.reverse()
        return {"count": total, "items": level[offset:offset + count], "current_level_count": len(level),
                "can_post": True, "show_reply_button": True, "groups_can_post": True}

    def groups_get_by_id(self, p: dict) -> dict:
        found = []
        for ref in (p.get("group_ids") or p.get("group_id") or "").split(","):
            gid = int(ref) if ref.strip().isdigit() else self.screen_names.get(ref.strip(), {}).get("object_id")
            if gid not in self.groups:
                raise VKError(100, "One of the parameters specified was missing or invalid: group_ids is undefined")
            found.append(copy.deepcopy(self.groups[gid]))
        return {"groups": found, "profiles": []}

    def resolve_screen_name(self, p: dict):
        return copy.deepcopy(self.screen_names.get(p.get("screen_name", ""), []))


def _render(comment: dict, gid: int, post_id: int, stack: list[int], inline: int | None = None) -> dict:
    """A stored comment as wall.getComments shows it: deleted ones lose text and author; threads inline."""
    replies = comment.get("replies", [])
    out = {k: v for k, v in comment.items() if k != "replies"}
    out.update(post_id=post_id, owner_id=-gid, parents_stack=stack)
    if out.get("deleted"):
        out = {k: out[k] for k in ("id", "date", "deleted", "parents_stack", "post_id", "owner_id")}
    if inline is not None:
        out["thread"] = {"count": len(replies), "items": [_render(r, gid, post_id, [comment["id"]])
                                                          for r in replies[:inline]],
                         "can_post": True, "show_reply_button": True, "groups_can_post": True}
    return out


def _error(call: Call, e: VKError) -> dict:
    params = [{"key": "method", "value": call.method}, {"key": "oauth", "value": "1"}]
    params += [{"key": k, "value": v} for k, v in call.params.items() if k != "access_token"]
    body = {"error_code": e.code, "error_msg": e.msg, "request_params": params}
    if e.code == 14:
        body.update(captcha_sid="239147850631", captcha_img="https://api.vk.com/captcha.php?sid=239147850631")
    return {"error": body}


_API_CALL = re.compile(r"API\.(\w+\.\w+)\((\{[^()]*\})\)")
_ROUTES = {"wall.get": FakeVK.wall_get, "wall.getComments": FakeVK.wall_get_comments,
           "groups.getById": FakeVK.groups_get_by_id, "utils.resolveScreenName": FakeVK.resolve_screen_name}


def _handler_for(fake: FakeVK) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            url = urlsplit(self.path)
            params = dict(parse_qsl(url.query))
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                params.update(parse_qsl(self.rfile.read(length).decode("utf-8")))
            method = url.path.removeprefix("/method/")
            status, headers, body = fake.handle(Call(method, params, self.command, self.path))
            data = json.dumps(body, ensure_ascii=False).encode("utf-8") if body or status == 200 else b""
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _serve

        def log_message(self, *args) -> None:     # quiet: tests read fake.received instead
            pass

    return Handler
