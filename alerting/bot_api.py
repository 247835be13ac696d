"""A small Telegram Bot API client over HTTP (requests): the few methods the alert chat needs.

    api = BotApi("https://api.telegram.org", token)        # a local fake server in tests: http://127.0.0.1:PORT
    msg = api.send_message(chat_id, "<b>…</b>", reply_markup={"inline_keyboard": [...]})
    api.edit_message_text(chat_id, msg["message_id"], "…")

Every call is POST {base}/bot{token}/{method} with a JSON body; the answer is {"ok": true, "result": …} or
{"ok": false, "error_code": …, "description": …, "parameters": {"retry_after": N}}. On 429 the client waits
retry_after seconds (the injected sleep) and tries again, up to max_retries times — but never longer than
max_wait_s at a time: a longer wait (3,600 s has been seen) raises BotApiError(retry_after=…) at once, so the
caller's loop goes on with its buttons and reminders and comes back later (core/supervise.py).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable

import requests

from core.errors import DozorError

log = logging.getLogger(__name__)


class BotApiError(DozorError):
    title = "Ошибка Telegram"
    hint = "проверьте DOZOR_TELEGRAM__BOT_TOKEN и DOZOR_TELEGRAM__BOT_API_BASE"

    def __init__(self, method: str, code: int, description: str, retry_after: float | None = None):
        super().__init__(f"Telegram {method}: {code} {description}")
        self.method, self.code, self.description = method, code, description
        self.retry_after = retry_after           # 429: how long Telegram asked us to wait


class BotApi:
    def __init__(self, base: str, token: str, max_retries: int = 3, timeout: float = 30.0,
                 sleep: Callable[[float], None] = time.sleep, max_wait_s: float = 10.0):
        self.base = base.rstrip("/")
        self._token = token
        self.max_retries = max_retries
        self.timeout = timeout
        self.sleep = sleep
        self.max_wait_s = max_wait_s
        self.session = requests.Session()

    def call(self, method: str, http_timeout: float | None = None, files: dict | None = None, **params):
        """files: {field: (filename, bytes, mime type)} sends multipart/form-data (uploads) instead of JSON."""
        params = {k: v for k, v in params.items() if v is not None}
        url = f"{self.base}/bot{self._token}/{method}"
        for attempt in range(self.max_retries + 1):
            try:
                if files:
                    resp = self.session.post(url, data=params, files=files, timeout=http_timeout or self.timeout)
                else:
                    resp = self.session.post(url, json=params, timeout=http_timeout or self.timeout)
                body = resp.json()
            except requests.RequestException as e:
                raise BotApiError(method, 0, f"нет связи с Bot API ({type(e).__name__})") from None
            except ValueError:
                raise BotApiError(method, resp.status_code, "ответ не JSON") from None
            if body.get("ok"):
                return body["result"]
            code = body.get("error_code", resp.status_code)
            retry_after = (body.get("parameters") or {}).get("retry_after")
            try:
                retry_after = float(retry_after) if retry_after is not None else None
            except (TypeError, ValueError):
                retry_after = None
            if code == 429 and retry_after is not None and attempt < self.max_retries \
                    and retry_after <= self.max_wait_s:
                log.warning("Telegram %s: 429, waiting %s s", method, retry_after)
                self.sleep(retry_after)
                continue
            raise BotApiError(method, code, body.get("description", ""), retry_after if code == 429 else None)
        raise AssertionError("unreachable")

    def send_message(self, chat_id: str | int, text: str, reply_markup: dict | None = None,
                     reply_to: int | None = None) -> dict:
        return self.call("sendMessage", chat_id=chat_id, text=text, parse_mode="HTML",
                         link_preview_options={"is_disabled": True}, reply_markup=reply_markup,
                         reply_parameters={"message_id": reply_to, "allow_sending_without_reply": True}
                         if reply_to else None)

    def edit_message_text(self, chat_id: str | int, message_id: int, text: str,
                          reply_markup: dict | None = None) -> dict | bool:
        try:
            return self.call("editMessageText", chat_id=chat_id, message_id=message_id, text=text,
                             parse_mode="HTML", link_preview_options={"is_disabled": True},
                             reply_markup=reply_markup or {"inline_keyboard": []})
        except BotApiError as e:
            if e.code == 400 and "not modified" in e.description:
                return True
            raise

    def send_document(self, chat_id: str | int, filename: str, content: bytes, caption: str | None = None,
                      mime_type: str = "text/html") -> dict:
        """A file in the chat (the analysts' digest), with an HTML caption."""
        return self.call("sendDocument", files={"document": (filename, content, mime_type)}, chat_id=chat_id,
                         caption=caption, parse_mode="HTML" if caption else None)

    def answer_callback_query(self, callback_query_id: str, text: str, show_alert: bool = False) -> bool:
        return self.call("answerCallbackQuery", callback_query_id=callback_query_id, text=text,
                         show_alert=show_alert)

    def get_updates(self, offset: int, timeout: int) -> list[dict]:
        return self.call("getUpdates", http_timeout=timeout + 10, offset=offset, timeout=timeout,
                         allowed_updates=["message", "callback_query"])
