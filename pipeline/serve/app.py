"""The HTTP side of `dozor serve` and `dozor console`: a Starlette application.

    app = build_app(settings, console, health, metrics, source_names, live_sources)
    uvicorn.Server(uvicorn.Config(app, host, port)).run()

Anonymous: GET /health (JSON), /login and /static/. Everything else needs a login (pipeline/serve/auth.py):
/metrics and /api/ answer 401, pages redirect to /login. Pages are Jinja2 templates with autoescape; forms carry
a per-session CSRF token; the one script and the style sheet are served from pipeline/serve/static/.
"""
from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from core.html import environment
from pipeline.serve.auth import StaffOnly, check_login
from pipeline.serve.metrics import CONTENT_TYPE
from pipeline.serve.views import FILTERS
from storage.queries import ping
from storage.readonly import SqlRefused

HERE = Path(__file__).parent


def build_app(settings, console, health, metrics, source_names: dict[str, str] | None = None,
              live_sources: Callable[[], dict] = dict,
              clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)
              ) -> Starlette:
    serve = settings.serve
    env = environment(HERE / "templates")
    names = source_names or {}

    def page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        context.update(user=request.scope.get("user"), csrf=_csrf(request), path=request.url.path,
                       district=console.gazetteer.district, refresh_s=serve.refresh_s)
        return HTMLResponse(env.get_template(template).render(**context), status)

    def health_view(request: Request) -> JSONResponse:
        db = health.components.get("database")
        try:
            ping(console.store)
            if db is not None:
                db.ok()
        except Exception as e:                                   # noqa: BLE001 - reported, not raised
            if db is not None:
                db.failed(f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:300])
        snapshot = health.snapshot()
        return JSONResponse(snapshot, 200 if snapshot["status"] == "ok" else 503)

    def metrics_view(request: Request) -> Response:
        return Response(metrics.render(), media_type=CONTENT_TYPE)

    async def login(request: Request) -> Response:
        target = request.query_params.get("next", "/")
        target = target if target.startswith("/") and not target.startswith("//") else "/"
        error = ""
        if request.method == "POST":
            form = await request.form()
            login_, password = str(form.get("login", "")), str(form.get("password", ""))
            if check_login(serve.accounts, login_, password):
                request.session.clear()
                request.session.update(user=login_, csrf=secrets.token_urlsafe(16))
                return RedirectResponse(target, 303)
            error = "Неверный логин или пароль."
        return page(request, "login.html", 401 if error else 200, error=error, next=target,
                    no_accounts=not serve.accounts and not serve.trusted_user_header)

    async def logout(request: Request) -> Response:
        await _checked_form(request)
        request.session.clear()
        return RedirectResponse("/login", 303)

    def register(request: Request) -> HTMLResponse:
        filters = {k: request.query_params.get(k, "") for k in FILTERS}
        rows, options, total = console.register(clock(), filters)
        return page(request, "register.html", rows=rows, options=options, filters=filters, total=total)

    def api_risks(request: Request) -> JSONResponse:
        filters = {k: request.query_params.get(k, "") for k in FILTERS}
        rows, _, total = console.register(clock(), filters)
        return JSONResponse({"at": clock().astimezone(console.tz).strftime("%H:%M:%S"), "total": total,
                             "risks": rows})

    async def risk(request: Request) -> Response:
        alert_id = request.path_params["alert_id"]
        if request.method == "POST":
            form = await _checked_form(request)
            ok, message = await _in_thread(console.act, alert_id, str(form.get("action", "")),
                                           request.scope["user"], str(form.get("topic", "")))
            return RedirectResponse(f"/risk/{quote(alert_id)}?{'ok' if ok else 'err'}={quote(message)}", 303)
        data = await _in_thread(console.risk_page, alert_id, clock())
        if data is None:
            return page(request, "missing.html", 404, alert_id=alert_id)
        return page(request, "risk.html", r=data, ok=request.query_params.get("ok", ""),
                    err=request.query_params.get("err", ""))

    def map_view(request: Request) -> HTMLResponse:
        from pipeline.serve.svg import map_svg
        points = console.map_points(clock())
        return page(request, "map.html", svg=map_svg(points),
                    points=sorted(points, key=lambda p: (-p["open"], -p["volume"], p["name"])))

    def sources_view(request: Request) -> HTMLResponse:
        return page(request, "sources.html", rows=console.sources(clock(), names, live_sources()))

    async def sql_view(request: Request) -> Response:
        from analytics.queries import Cookbook, settings_defaults
        book = Cookbook(console.store, settings.timezone, settings_defaults(settings))
        text, name, result, error = "", "", None, ""
        if request.method == "POST":
            form = await _checked_form(request)
            name, text = str(form.get("name", "")), str(form.get("sql", ""))
            try:
                if name:
                    query = book.query(name)
                    text = query.sql
                    params = await _in_thread(book.parameters, query, {})
                    result = await _in_thread(console.sql.run, query.sql, serve.sql_max_rows, serve.sql_timeout_s,
                                              params, False)
                else:
                    result = await _in_thread(console.sql.run, text, serve.sql_max_rows, serve.sql_timeout_s)
            except (SqlRefused, KeyError) as e:
                error = str(e).strip("'\"")
            if result is not None and form.get("format") == "csv":
                return _csv(result, name or "query")
        return page(request, "sql.html", status=400 if error else 200, text=text, name=name, result=result,
                    error=error, book=[(q.name, q.title) for q in book.queries.values()],
                    max_rows=serve.sql_max_rows, timeout_s=serve.sql_timeout_s)

    routes = [Route("/health", health_view), Route("/metrics", metrics_view),
              Route("/login", login, methods=["GET", "POST"]), Route("/logout", logout, methods=["POST"]),
              Route("/", register), Route("/api/risks", api_risks),
              Route("/risk/{alert_id}", risk, methods=["GET", "POST"]), Route("/map", map_view),
              Route("/sources", sources_view), Route("/sql", sql_view, methods=["GET", "POST"]),
              Mount("/static", StaticFiles(directory=HERE / "static"), name="static")]
    secret = serve.session_secret.get_secret_value() if serve.session_secret else secrets.token_urlsafe(32)
    middleware = [Middleware(SessionMiddleware, secret_key=secret, session_cookie="dozor_session",
                             max_age=serve.session_max_age_s, same_site="strict"),
                  Middleware(StaffOnly, serve=serve)]
    return Starlette(routes=routes, middleware=middleware, exception_handlers={CsrfError: _csrf_refused})


class CsrfError(Exception):
    pass


def _csrf(request: Request) -> str:
    if "csrf" not in request.session:
        request.session["csrf"] = secrets.token_urlsafe(16)
    return request.session["csrf"]


async def _checked_form(request: Request):
    form = await request.form()
    expected = request.session.get("csrf")
    if not expected or not secrets.compare_digest(str(form.get("csrf", "")), expected):
        raise CsrfError()
    return form


async def _csrf_refused(request: Request, exc: Exception) -> Response:
    return HTMLResponse("<p>Форма устарела: обновите страницу и повторите.</p>", 400)


async def _in_thread(fn, *args):
    from starlette.concurrency import run_in_threadpool
    return await run_in_threadpool(fn, *args)


def _csv(result, name: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(result.columns)
    writer.writerows(result.rows)
    return Response(out.getvalue().encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
