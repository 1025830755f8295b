"""Routes of the web adapter. Handlers parse the request, ask the core (one unit of work each), and render.

    GET /r/{token}              the author's report (HTML)
    GET /r/{token}/embed        the widget for the blog (HTML, the only route that may be framed)
    GET /r/{token}/chart.svg    the bars as one SVG image
    GET /r/{token}/summary.csv  the CSV of `reader-bot summary --format csv`
    GET /r/{token}/summary.json the JSON of `reader-bot summary --json`
    GET /favicon.ico            204 (browsers ask for it)
    GET /healthz                200 or 503 with what was checked (JSON)
    GET /metrics                Prometheus text format

Nothing lists articles; an unknown, malformed, truncated or revoked token gets the same 404 as any unknown path.
Every response carries a strict Content-Security-Policy, nosniff and no-referrer (links hold tokens).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Protocol

from aiohttp import web

from bot import metrics
from bot.errors import NotFound
from bot.storage.database import Database
from bot.storage.operations import operational_figures, ping
from bot.summaries.links import ReportLinks
from bot.summaries.render import render_csv, render_json
from bot.summaries.report import Summary
from bot.web.pages import STYLE_HASH, Links, embed_page, report_page
from bot.web.reports import ReportCache, max_age
from bot.web.svg import chart_svg

log = logging.getLogger(__name__)

STRICT_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
PAGE_POLICY = f"default-src 'none'; style-src {STYLE_HASH}; img-src 'self'; base-uri 'none'; form-action 'none'"
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"  # an SVG viewed on its own
NOT_FOUND_TEXT = "Not found.\n"

LINKS_KEY: web.AppKey[ReportLinks] = web.AppKey("links", ReportLinks)
REPORTS_KEY: web.AppKey[ReportCache] = web.AppKey("reports", ReportCache)
DATABASE_KEY: web.AppKey[Database] = web.AppKey("database", Database)


class BotStatus(Protocol):
    """What /healthz asks the bot (implemented by bot.cogs.health.GatewayWatch)."""

    def gateway_connected(self) -> bool: ...

    def feed_cycle_age(self) -> float | None: ...

    def feed_cycle_limit(self) -> float: ...


STATUS_KEY: web.AppKey[BotStatus] = web.AppKey("status", BotStatus)


def not_found() -> web.Response:
    return web.Response(status=404, text=NOT_FOUND_TEXT, headers={"Cache-Control": "no-store"})


@web.middleware
async def security_headers(request: web.Request, handler: Callable[[web.Request], object]) -> web.StreamResponse:
    try:
        response = await handler(request)  # type: ignore[misc]
    except web.HTTPNotFound:
        response = not_found()
    except web.HTTPException as error:
        response = web.Response(status=error.status, text=f"{error.reason}\n", headers={"Cache-Control": "no-store"})
        if error.status == 405:
            response.headers["Allow"] = error.headers.get("Allow", "GET, HEAD")
    except Exception:  # e.g. the database is gone: a polite 503 with the same headers, the details in the log
        route = request.match_info.route.resource
        log.exception("web: %s %s failed", request.method, route.canonical if route is not None else "?")  # no token in logs
        response = web.Response(status=503, text="Temporarily unavailable, please try again in a moment.\n",
                                headers={"Cache-Control": "no-store", "Retry-After": "30"})
    headers = response.headers
    headers.setdefault("Content-Security-Policy", STRICT_POLICY)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    if "frame-ancestors" in headers["Content-Security-Policy"]:
        headers.setdefault("X-Frame-Options", "DENY")
    return response


def _slug(url: str) -> str:
    tail = url.rstrip("/").rsplit("/", 1)[-1]
    cleaned = "".join(c if (c.isascii() and c.isalnum()) or c in "-_" else "-" for c in tail)[:60].strip("-")
    return cleaned or "article"


def _renderers(token: str, links: ReportLinks) -> dict[str, tuple[Callable[[Summary], str], str, str, str]]:
    """kind -> (render, content type, Content-Security-Policy, Cache-Control scope)."""
    # Relative to /r/<token>, so that the links also work behind a proxy that serves the pages under a path.
    page_links = Links(csv=f"{token}/summary.csv", json=f"{token}/summary.json", embed=links.url(token) + "/embed")
    return {
        "page": (lambda s: report_page(s, page_links), "text/html; charset=utf-8", PAGE_POLICY + "; frame-ancestors 'none'", "private"),
        "embed": (lambda s: embed_page(s, page_links), "text/html; charset=utf-8", PAGE_POLICY, "public"),
        "chart": (lambda s: chart_svg(s, s.article.language), "image/svg+xml; charset=utf-8", SVG_POLICY, "public"),
        "csv": (render_csv, "text/csv; charset=utf-8", STRICT_POLICY, "private"),
        "json": (render_json, "application/json; charset=utf-8", STRICT_POLICY, "private"),
    }


async def _serve(request: web.Request, kind: str) -> web.Response:
    token = request.match_info["token"]
    links = request.app[LINKS_KEY]
    article_id = await links.resolve(token)
    if article_id is None:
        return not_found()
    try:
        report = await request.app[REPORTS_KEY].get(article_id)
    except NotFound:
        return not_found()
    render, content_type, policy, scope = _renderers(token, links)[kind]
    body, etag = report.body(f"{kind}:{token}", render)
    headers = {
        "ETag": etag,
        "Cache-Control": f"{scope}, max-age={max_age(report.summary)}",
        "Content-Security-Policy": policy,
        "Cross-Origin-Resource-Policy": "cross-origin" if scope == "public" else "same-origin",
    }
    if kind in ("csv", "json"):
        headers["Content-Disposition"] = f'attachment; filename="summary-{_slug(report.summary.article.url)}.{kind}"'
    if any(tag.value == etag.strip('"') for tag in request.if_none_match or ()):
        return web.Response(status=304, headers=headers)
    headers["Content-Type"] = content_type
    return web.Response(body=body, headers=headers)


async def report_handler(request: web.Request) -> web.Response:
    return await _serve(request, "page")


async def embed_handler(request: web.Request) -> web.Response:
    return await _serve(request, "embed")


async def chart_handler(request: web.Request) -> web.Response:
    return await _serve(request, "chart")


async def csv_handler(request: web.Request) -> web.Response:
    return await _serve(request, "csv")


async def json_handler(request: web.Request) -> web.Response:
    return await _serve(request, "json")


async def favicon_handler(request: web.Request) -> web.Response:
    """Browsers ask for it on every page; an empty answer keeps their consoles free of 404s."""
    return web.Response(status=204, headers={"Cache-Control": "public, max-age=86400"})


async def healthz_handler(request: web.Request) -> web.Response:
    status = request.app[STATUS_KEY]
    checks: dict[str, dict[str, object]] = {}
    started = time.monotonic()
    try:
        async with request.app[DATABASE_KEY].session() as session:
            await ping(session)
        checks["database"] = {"ok": True, "seconds": round(time.monotonic() - started, 4)}
    except Exception as error:  # noqa: BLE001 - any failure means unreachable; the reason is for the operator
        checks["database"] = {"ok": False, "error": type(error).__name__}
    checks["gateway"] = {"ok": status.gateway_connected()}
    age, limit = status.feed_cycle_age(), status.feed_cycle_limit()
    checks["feeds"] = {"ok": age is not None and age <= limit, "last_cycle_seconds_ago": None if age is None else round(age, 1),
                       "limit_seconds": limit}
    healthy = all(check["ok"] for check in checks.values())
    body = json.dumps({"status": "ok" if healthy else "unhealthy", "checks": checks}, indent=2) + "\n"
    return web.Response(status=200 if healthy else 503, text=body, content_type="application/json",
                        headers={"Cache-Control": "no-store"})


async def metrics_handler(request: web.Request) -> web.Response:
    status = request.app[STATUS_KEY]
    try:
        async with request.app[DATABASE_KEY].session() as session:
            figures = await operational_figures(session)
        metrics.OPEN_POLLS.set(figures.open_polls)
        metrics.OUTBOX_BACKLOG.set(figures.backlog)
    except Exception:  # noqa: BLE001 - the other metrics are still worth serving; /healthz says what is wrong
        log.warning("metrics: could not read the open polls and the backlog", exc_info=True)
    metrics.GATEWAY_CONNECTED.set(1 if status.gateway_connected() else 0)
    age = status.feed_cycle_age()
    if age is not None:
        metrics.FEED_CYCLE_AGE.set(age)
    return web.Response(body=metrics.exposition(), headers={"Content-Type": metrics.CONTENT_TYPE, "Cache-Control": "no-store"})


def create_app(database: Database, links: ReportLinks, status: BotStatus, reports: ReportCache | None = None) -> web.Application:
    app = web.Application(middlewares=[security_headers], client_max_size=4096)
    app[DATABASE_KEY] = database
    app[LINKS_KEY] = links
    app[REPORTS_KEY] = reports or ReportCache(database)
    app[STATUS_KEY] = status
    app.router.add_get("/r/{token}", report_handler)
    app.router.add_get("/r/{token}/embed", embed_handler)
    app.router.add_get("/r/{token}/chart.svg", chart_handler)
    app.router.add_get("/r/{token}/summary.csv", csv_handler)
    app.router.add_get("/r/{token}/summary.json", json_handler)
    app.router.add_get("/favicon.ico", favicon_handler)
    app.router.add_get("/healthz", healthz_handler)
    app.router.add_get("/metrics", metrics_handler)
    return app
