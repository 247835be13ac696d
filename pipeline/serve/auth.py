"""Who is asking: staff accounts with scrypt password hashes, the login cookie, Basic auth (Prometheus, scripts),
or a trusted reverse proxy's header. Everything but /health, /login and /static needs one of them.

    hash_password("секрет")                     # 'scrypt$16384$8$1$<salt>$<hash>' for DOZOR_SERVE__ACCOUNTS
    verify_password("секрет", stored)           # True / False, constant time
    StaffOnly(app, settings.serve)              # ASGI middleware: scope["user"] = login, or 401 / a redirect
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
from urllib.parse import quote

from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse, RedirectResponse

N, R, P = 2 ** 14, 8, 1
OPEN_PATHS = ("/health", "/login", "/static/")
API_PATHS = ("/metrics", "/api/")


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=N, r=R, p=P, dklen=32)
    return f"scrypt${N}${R}${P}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(base64.b64decode(digest)))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


def check_login(accounts: dict[str, str], login: str, password: str) -> bool:
    stored = accounts.get(login)
    if stored is None:
        hash_password(password, b"0" * 16)          # the same work for an unknown login: no timing oracle
        return False
    return verify_password(password, stored)


def basic_user(header: str, accounts: dict[str, str]) -> str | None:
    if not header.lower().startswith("basic "):
        return None
    try:
        login, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
    except ValueError:
        return None
    return login if check_login(accounts, login, password) else None


class StaffOnly:
    """ASGI middleware under the session middleware. Anonymous: 401 for /metrics and /api/, else a redirect to
    /login?next=…"""

    def __init__(self, app, serve):
        self.app, self.serve = app, serve
        self._basic: dict[str, str] = {}                      # Authorization header -> login (scrypt is slow)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"].startswith(OPEN_PATHS):
            return await self.app(scope, receive, send)
        user = self.user(HTTPConnection(scope))
        if user is None:
            if scope["path"].startswith(API_PATHS):
                response = JSONResponse({"error": "нужен вход"}, 401,
                                        headers={"WWW-Authenticate": 'Basic realm="dozor"'})
            else:
                target = scope["path"] + (("?" + scope["query_string"].decode()) if scope["query_string"] else "")
                response = RedirectResponse(f"/login?next={quote(target)}", 303)
            return await response(scope, receive, send)
        scope["user"] = user
        return await self.app(scope, receive, send)

    def user(self, conn: HTTPConnection) -> str | None:
        header = self.serve.trusted_user_header
        if header and conn.client and conn.client.host in self.serve.trusted_proxies and conn.headers.get(header):
            return conn.headers[header]
        auth = conn.headers.get("authorization", "")
        if auth:
            if auth not in self._basic:
                user = basic_user(auth, self.serve.accounts)
                if user is None:
                    return None
                self._basic = {auth: user} if len(self._basic) > 100 else {**self._basic, auth: user}
            return self._basic[auth]
        login = conn.session.get("user")
        return login if login in self.serve.accounts else None
