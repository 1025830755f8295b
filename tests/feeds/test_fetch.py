"""FeedFetcher against real local HTTP servers: conditional GET, limits, redirects, and failures."""

from __future__ import annotations

import asyncio
import gzip
import time

import pytest
from aiohttp import web

from bot.config import FeedSettings
from bot.feeds.errors import FeedError, FetchFailed, InvalidUrl, TooLarge, TooManyRedirects
from bot.feeds.fetch import MAX_REDIRECTS, PAGE_ACCEPT, FeedFetcher

RSS = b"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title>
<item><title>One</title><link>http://blog.test/one/</link><guid>1</guid></item></channel></rss>"""

LOCAL = FeedSettings(timeout=3.0, max_bytes=100_000, allow_private_addresses=True)


def conditional_feed_app(seen: list[dict[str, str]]) -> web.Application:
    """A feed that honours If-None-Match / If-Modified-Since, remembering each request's headers."""
    etag = '"v1"'
    modified = "Fri, 16 Feb 2024 08:00:00 GMT"

    async def feed(request: web.Request) -> web.Response:
        seen.append(dict(request.headers))
        if request.headers.get("If-None-Match") == etag or (
            "If-None-Match" not in request.headers and request.headers.get("If-Modified-Since") == modified
        ):
            return web.Response(status=304, headers={"ETag": etag, "Last-Modified": modified})
        return web.Response(body=RSS, content_type="application/rss+xml", headers={"ETag": etag, "Last-Modified": modified})

    app = web.Application()
    app.router.add_get("/feed", feed)
    return app


async def test_second_fetch_of_unchanged_feed_sends_if_none_match_and_gets_304(serve) -> None:
    seen: list[dict[str, str]] = []
    base = await serve(conditional_feed_app(seen))
    async with FeedFetcher(LOCAL) as fetcher:
        first = await fetcher.fetch(f"{base}/feed")
        second = await fetcher.fetch(f"{base}/feed", etag=first.etag, last_modified=first.last_modified)
    assert first.status == 200 and first.body == RSS and not first.not_modified
    assert first.etag == '"v1"' and first.last_modified == "Fri, 16 Feb 2024 08:00:00 GMT"
    assert first.content_type == "application/rss+xml"
    assert "If-None-Match" not in seen[0]
    assert seen[1]["If-None-Match"] == '"v1"'
    assert seen[1]["If-Modified-Since"] == "Fri, 16 Feb 2024 08:00:00 GMT"
    assert second.status == 304 and second.body is None and second.not_modified


async def test_if_modified_since_alone_also_gets_304(serve) -> None:
    seen: list[dict[str, str]] = []
    base = await serve(conditional_feed_app(seen))
    async with FeedFetcher(LOCAL) as fetcher:
        result = await fetcher.fetch(f"{base}/feed", last_modified="Fri, 16 Feb 2024 08:00:00 GMT")
    assert result.status == 304 and result.body is None
    assert "If-None-Match" not in seen[0]


async def test_sends_user_agent_accept_and_gzip(serve) -> None:
    seen: list[dict[str, str]] = []
    big = RSS.replace(b"<title>T</title>", b"<title>" + b"T" * 5000 + b"</title>")

    async def feed(request: web.Request) -> web.Response:
        seen.append(dict(request.headers))
        return web.Response(body=gzip.compress(big), headers={"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"})

    app = web.Application()
    app.router.add_get("/feed", feed)
    base = await serve(app)
    settings = FeedSettings(timeout=3.0, max_bytes=100_000, allow_private_addresses=True, user_agent="reader-bot-test/1")
    async with FeedFetcher(settings) as fetcher:
        result = await fetcher.fetch(f"{base}/feed")
        await fetcher.fetch(f"{base}/feed", accept=PAGE_ACCEPT)
    assert result.body == big  # decompressed
    assert "gzip" in seen[0]["Accept-Encoding"]
    assert seen[0]["User-Agent"] == "reader-bot-test/1"
    assert "application/rss+xml" in seen[0]["Accept"]
    assert seen[1]["Accept"].startswith("text/html")


async def test_body_over_max_bytes_with_content_length_is_refused(serve) -> None:
    async def feed(request: web.Request) -> web.Response:
        return web.Response(body=b"x" * 5000, content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/feed", feed)
    base = await serve(app)
    async with FeedFetcher(FeedSettings(timeout=3.0, max_bytes=1000, allow_private_addresses=True)) as fetcher:
        with pytest.raises(TooLarge) as caught:
            await fetcher.fetch(f"{base}/feed")
    assert "1,000 bytes" in caught.value.reason and "max_bytes" in caught.value.reason
    assert caught.value.url == f"{base}/feed"


async def test_endless_stream_stops_reading_past_max_bytes(serve) -> None:
    """No Content-Length, the server would send forever: we must stop at the cap, not time out."""
    written = 0

    async def endless(request: web.Request) -> web.StreamResponse:
        nonlocal written
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        try:
            while written < 50_000_000:
                await response.write(b"<item>" * 1000)
                written += 6000
        except (ConnectionError, asyncio.CancelledError):
            pass
        return response

    app = web.Application()
    app.router.add_get("/feed", endless)
    base = await serve(app)
    started = time.monotonic()
    async with FeedFetcher(FeedSettings(timeout=10.0, max_bytes=200_000, allow_private_addresses=True)) as fetcher:
        with pytest.raises(TooLarge):
            await fetcher.fetch(f"{base}/feed")
    assert time.monotonic() - started < 5
    assert written < 50_000_000


async def test_gzip_bomb_is_capped_on_the_decompressed_size(serve) -> None:
    bomb = gzip.compress(b"<" * 5_000_000)  # about 5 KB on the wire

    async def feed(request: web.Request) -> web.Response:
        return web.Response(body=bomb, headers={"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"})

    app = web.Application()
    app.router.add_get("/feed", feed)
    base = await serve(app)
    async with FeedFetcher(FeedSettings(timeout=3.0, max_bytes=100_000, allow_private_addresses=True)) as fetcher:
        with pytest.raises(TooLarge):
            await fetcher.fetch(f"{base}/feed")


def redirect_app() -> web.Application:
    async def chain(request: web.Request) -> web.Response:
        remaining = int(request.match_info["n"])
        if remaining == 0:
            return web.Response(body=RSS, content_type="application/rss+xml")
        raise web.HTTPFound(f"/chain/{remaining - 1}")  # relative Location

    async def loop_a(request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("/loop/b")

    async def loop_b(request: web.Request) -> web.Response:
        raise web.HTTPTemporaryRedirect("/loop/a")

    async def nowhere(request: web.Request) -> web.Response:
        return web.Response(status=302)

    async def to_file(request: web.Request) -> web.Response:
        raise web.HTTPFound("file:///etc/passwd")

    app = web.Application()
    app.router.add_get("/chain/{n}", chain)
    app.router.add_get("/loop/a", loop_a)
    app.router.add_get("/loop/b", loop_b)
    app.router.add_get("/nowhere", nowhere)
    app.router.add_get("/to-file", to_file)
    return app


async def test_follows_up_to_five_redirects(serve) -> None:
    base = await serve(redirect_app())
    async with FeedFetcher(LOCAL) as fetcher:
        result = await fetcher.fetch(f"{base}/chain/{MAX_REDIRECTS}")
    assert MAX_REDIRECTS == 5
    assert result.body == RSS
    assert result.url == f"{base}/chain/0"


async def test_six_redirects_are_too_many(serve) -> None:
    base = await serve(redirect_app())
    async with FeedFetcher(LOCAL) as fetcher:
        with pytest.raises(TooManyRedirects) as caught:
            await fetcher.fetch(f"{base}/chain/{MAX_REDIRECTS + 1}")
    assert "more than 5 redirects" in caught.value.reason


async def test_redirect_loop_is_a_clear_error(serve) -> None:
    base = await serve(redirect_app())
    async with FeedFetcher(LOCAL) as fetcher:
        with pytest.raises(TooManyRedirects) as caught:
            await fetcher.fetch(f"{base}/loop/a")
    assert "loop" in caught.value.reason


async def test_redirect_without_location_and_to_other_schemes(serve) -> None:
    base = await serve(redirect_app())
    async with FeedFetcher(LOCAL) as fetcher:
        with pytest.raises(FetchFailed) as missing:
            await fetcher.fetch(f"{base}/nowhere")
        with pytest.raises(InvalidUrl) as other_scheme:
            await fetcher.fetch(f"{base}/to-file")
    assert missing.value.status == 302
    assert "file:///etc/passwd" in other_scheme.value.reason


async def test_server_that_never_answers_times_out(serve) -> None:
    accepted: list[asyncio.StreamWriter] = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)  # read nothing, answer nothing

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    started = time.monotonic()
    try:
        async with FeedFetcher(FeedSettings(timeout=0.5, allow_private_addresses=True)) as fetcher:
            with pytest.raises(FetchFailed) as caught:
                await fetcher.fetch(f"http://127.0.0.1:{port}/feed")
    finally:
        for writer in accepted:
            writer.close()
        server.close()
        await server.wait_closed()
    assert time.monotonic() - started < 3
    assert "did not answer within 0.5 seconds" in caught.value.reason
    assert accepted, "the fetcher should have connected"


async def test_server_that_stalls_mid_body_times_out(serve) -> None:
    async def stall(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        await response.write(b"<rss>")
        await asyncio.sleep(30)
        return response

    app = web.Application()
    app.router.add_get("/feed", stall)
    base = await serve(app)
    async with FeedFetcher(FeedSettings(timeout=0.5, allow_private_addresses=True)) as fetcher:
        with pytest.raises(FetchFailed) as caught:
            await fetcher.fetch(f"{base}/feed")
    assert "did not answer" in caught.value.reason


@pytest.mark.parametrize("status", [404, 410, 500, 503])
async def test_http_errors_carry_the_status(serve, status: int) -> None:
    async def failing(request: web.Request) -> web.Response:
        return web.Response(status=status, text="nope")

    app = web.Application()
    app.router.add_get("/feed", failing)
    base = await serve(app)
    async with FeedFetcher(LOCAL) as fetcher:
        with pytest.raises(FetchFailed) as caught:
            await fetcher.fetch(f"{base}/feed")
    assert caught.value.status == status
    assert f"HTTP {status}" in caught.value.reason


async def test_connection_refused_and_unknown_host_are_fetch_failures(scripted_dns) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with FeedFetcher(LOCAL, lookup=scripted_dns({})) as fetcher:
        with pytest.raises(FetchFailed) as refused:
            await fetcher.fetch(f"http://127.0.0.1:{port}/feed")
        with pytest.raises(FetchFailed) as unknown:
            await fetcher.fetch("http://no-such-host.test/feed")
    assert "could not connect" in refused.value.reason
    assert "could not be found" in unknown.value.reason


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://blog.test/feed", "gopher://blog.test/", "javascript:alert(1)", "data:text/xml,<rss/>",
     "http://", "feed.xml", ""],
)
async def test_only_http_and_https_urls_are_fetched(url: str) -> None:
    async with FeedFetcher(LOCAL) as fetcher:
        with pytest.raises(InvalidUrl) as caught:
            await fetcher.fetch(url)
    assert caught.value.reason


async def test_fetch_outside_context_manager_is_a_programming_error() -> None:
    fetcher = FeedFetcher(LOCAL)
    with pytest.raises(RuntimeError):
        await fetcher.fetch("http://blog.test/")


async def test_every_error_is_a_feed_error_with_a_one_line_reason(serve) -> None:
    base = await serve(redirect_app())
    async with FeedFetcher(LOCAL) as fetcher:
        for url in (f"{base}/loop/a", f"{base}/missing", "ftp://x/"):
            with pytest.raises(FeedError) as caught:
                await fetcher.fetch(url)
            assert caught.value.reason and "\n" not in caught.value.reason
            assert str(caught.value) == caught.value.reason


async def test_invalid_https_certificate_is_a_clear_fetch_failure(serve, tmp_path) -> None:
    import ssl
    import subprocess

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=self-signed.test"],
        check=True, capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    async def feed(request: web.Request) -> web.Response:
        return web.Response(body=RSS, content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/feed", feed)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context).start()
    try:
        port = runner.addresses[0][1]
        async with FeedFetcher(LOCAL) as fetcher:
            with pytest.raises(FetchFailed) as caught:
                await fetcher.fetch(f"https://127.0.0.1:{port}/feed")
    finally:
        await runner.cleanup()
    assert "certificate" in caught.value.reason
