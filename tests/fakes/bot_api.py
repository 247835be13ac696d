"""A Telegram Bot API server on 127.0.0.1 for tests: real HTTP, the real JSON shapes, recorded requests.

    with FakeBotApi(token="123:abc") as tg:                    # ThreadingHTTPServer on port 0, daemon thread
        ... BotApi(tg.base, "123:abc") ...
        tg.press(user_id=7, chat_id=-100, message_id=1, data="take:A-1")   # queue a callback_query Update
        tg.say(user_id=7, chat_id=-100, text="/risks", reply_to=1)        # queue a message Update
        tg.fail_next("sendMessage", 429, retry_after=3)                    # the next call answers 429
        tg.calls("editMessageText")                                        # [Call(method, params)] as received

Answers are {"ok": true, "result": ...} or {"ok": false, "error_code": N, "description": ...,
"parameters": {"retry_after": N}}, with the HTTP status Telegram uses. Like Telegram, text sent with
parse_mode HTML is checked: unknown tags, unbalanced tags or a bare "<" answer 400 "can't parse entities".
sendMessage / editMessageText return Message objects (text without tags); message ids count per chat.
"""
from __future__ import annotations

import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from html import unescape
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler

from tests.fakes.loopback import Loopback

ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler",
                "span", "blockquote", "tg-emoji"}
BOT = {"id": 700000001, "is_bot": True, "first_name": "Дозор", "username": "dozor_mcu_bot"}


@dataclass(frozen=True)
class Call:
    method: str
    params: dict


class _Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.error = f'Unsupported start tag "{tag}"'
        if tag == "a" and not dict(attrs).get("href"):
            self.error = "Can't find href of a link"
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.error = f'Unmatched end tag "{tag}"'


def html_error(text: str) -> str | None:
    """Telegram's verdict on an HTML message: None when it parses."""
    if re.search(r"<(?![a-zA-Z/])", text) or re.search(r"&(?!(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);)", text):
        return "Bad Request: can't parse entities: unescaped character"
    checker = _Checker()
    checker.feed(text)
    checker.close()
    if checker.error or checker.stack:
        return f"Bad Request: can't parse entities: {checker.error or 'unclosed tag'}"
    return None


@dataclass
class FakeBotApi(Loopback):
    token: str
    received: list[Call] = field(default_factory=list)
    messages: dict[tuple[int, int], dict] = field(default_factory=dict)    # (chat id, message id) -> Message
    updates: list[dict] = field(default_factory=list)

    def __post_init__(self):
        self._lock = threading.Lock()
        self._ids: dict[int, itertools.count] = {}
        self._update_ids = itertools.count(1000)
        self._failures: list[list] = []                                    # [method, code, retry_after, times]
        self.listen(_handler_for(self))

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- scripting ----------------------------------------------------------------------------------------------
    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self.received if method is None or c.method == method]

    def fail_next(self, method: str, code: int, retry_after: int | None = None, times: int = 1) -> None:
        self._failures.append([method, code, retry_after, times])

    def press(self, user_id: int, chat_id: int, message_id: int, data: str, username: str = "staff") -> dict:
        message = self.messages.get((chat_id, message_id)) or _message(message_id, chat_id, BOT, "")
        update = {"update_id": next(self._update_ids),
                  "callback_query": {"id": f"cb{next(self._update_ids)}", "chat_instance": "42",
                                     "from": _user(user_id, username), "message": message, "data": data}}
        self.updates.append(update)
        return update

    def say(self, user_id: int, chat_id: int, text: str, reply_to: int | None = None, username: str = "staff",
            date: int | None = None) -> dict:
        msg = _message(self._next_id(chat_id), chat_id, _user(user_id, username), text, date)
        if reply_to is not None:
            msg["reply_to_message"] = self.messages.get((chat_id, reply_to)) or _message(reply_to, chat_id, BOT, "")
        self.messages[(chat_id, msg["message_id"])] = msg
        update = {"update_id": next(self._update_ids), "message": msg}
        self.updates.append(update)
        return update

    def sent_to(self, chat_id: int) -> list[dict]:
        return [m for (c, _), m in sorted(self.messages.items()) if c == chat_id and m["from"]["is_bot"]]

    # --- serving --------------------------------------------------------------------------------------------------
    def handle(self, method: str, params: dict) -> tuple[int, dict]:
        with self._lock:
            self.received.append(Call(method, params))
            for f in self._failures:
                if f[0] == method and f[3] > 0:
                    f[3] -= 1
                    body = {"ok": False, "error_code": f[1], "description": "Too Many Requests: retry after "
                            f"{f[2]}" if f[1] == 429 else "Internal Server Error"}
                    if f[2] is not None:
                        body["parameters"] = {"retry_after": f[2]}
                    return f[1], body
            route = getattr(self, "m_" + method, None)
            if route is None:
                return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
            try:
                return 200, {"ok": True, "result": route(params)}
            except _Bad as e:
                return 400, {"ok": False, "error_code": 400, "description": str(e)}

    def _next_id(self, chat_id: int) -> int:
        return next(self._ids.setdefault(chat_id, itertools.count(1)))

    def _text(self, params: dict) -> str:
        text = params.get("text") or ""
        if not text.strip():
            raise _Bad("Bad Request: message text is empty")
        if params.get("parse_mode") == "HTML":
            error = html_error(text)
            if error:
                raise _Bad(error)
            text = unescape(re.sub(r"<[^>]+>", "", text))
        return text

    def m_getMe(self, params: dict) -> dict:
        return BOT

    def m_sendMessage(self, params: dict) -> dict:
        chat_id = int(params["chat_id"])
        msg = _message(self._next_id(chat_id), chat_id, BOT, self._text(params))
        reply = (params.get("reply_parameters") or {}).get("message_id")
        if reply and (chat_id, reply) in self.messages:
            msg["reply_to_message"] = self.messages[(chat_id, reply)]
        if params.get("reply_markup"):
            msg["reply_markup"] = params["reply_markup"]
        self.messages[(chat_id, msg["message_id"])] = msg
        return msg

    def m_editMessageText(self, params: dict) -> dict:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            raise _Bad("Bad Request: message to edit not found")
        text = self._text(params)
        old = self.messages[key]
        markup = params.get("reply_markup")
        if old["text"] == text and old.get("reply_markup") == markup:
            raise _Bad("Bad Request: message is not modified: specified new message content and reply markup "
                       "are exactly the same as a current content and reply markup of the message")
        msg = dict(old, text=text, edit_date=int(time.time()))
        msg.pop("reply_markup", None)
        if markup and markup.get("inline_keyboard"):
            msg["reply_markup"] = markup
        self.messages[key] = msg
        return msg

    def m_sendDocument(self, params: dict) -> dict:
        doc = params.get("document")
        if not isinstance(doc, dict) or not doc["content"]:
            raise _Bad("Bad Request: there is no document in the request")
        caption = params.get("caption") or ""
        if params.get("parse_mode") == "HTML" and html_error(caption):
            raise _Bad(html_error(caption))
        chat_id = int(params["chat_id"])
        msg = _message(self._next_id(chat_id), chat_id, BOT, "")
        del msg["text"]
        msg["caption"] = unescape(re.sub(r"<[^>]+>", "", caption))
        msg["document"] = {"file_name": doc["filename"], "mime_type": doc["content_type"],
                           "file_size": len(doc["content"]), "file_id": f"doc{msg['message_id']}"}
        self.messages[(chat_id, msg["message_id"])] = msg
        return msg

    def m_answerCallbackQuery(self, params: dict) -> bool:
        return True

    def m_getUpdates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        return list(self.updates[: int(params.get("limit") or 100)])


class _Bad(Exception):
    pass


def _user(user_id: int, username: str) -> dict:
    return {"id": user_id, "is_bot": False, "first_name": username.capitalize(), "username": username}


def _message(message_id: int, chat_id: int, sender: dict, text: str, date: int | None = None) -> dict:
    return {"message_id": message_id, "from": sender, "date": date or int(time.time()),
            "chat": {"id": chat_id, "title": "МЦУ-ПИЛОТ", "type": "supergroup"}, "text": text}


def _multipart(content_type: str, raw: bytes) -> dict:
    """A multipart/form-data body (file uploads) as params: fields as text, files as
    {"filename", "content_type", "content": bytes}."""
    message = BytesParser(policy=policy.HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
    params: dict = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if part.get_filename():
            params[name] = {"filename": part.get_filename(), "content_type": part.get_content_type(),
                            "content": payload}
        else:
            params[name] = payload.decode("utf-8")
    return params


def _handler_for(fake: FakeBotApi):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            m = re.fullmatch(r"/bot([^/]+)/(\w+)", self.path)
            if not m or m.group(1) != fake.token:
                status, body = 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            else:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b"{}"
                kind = self.headers.get("Content-Type") or ""
                params = _multipart(kind, raw) if kind.startswith("multipart/form-data") else json.loads(raw or b"{}")
                status, body = fake.handle(m.group(2), params)
            data = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    return Handler
