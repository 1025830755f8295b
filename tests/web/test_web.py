"""The web adapter in-process: tokens, the pages and their headers, 404s, ETag/304, escaping, no names, SVG,
/healthz. The app is the real aiohttp app on a real socket (aiohttp's TestServer), over a real database."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import AsyncIterator
from dataclasses import dataclass

import lxml.html
import pytest
from aiohttp.test_utils import TestClient, TestServer
from yarl import URL

from bot.cogs.health import GatewayWatch
from bot.questions.model import PollKind
from bot.storage.database import Database
from bot.storage.models import PollState
from bot.summaries.links import (
    LinkSubject,
    ReportLinks,
    article_for_token,
    issue_token,
    report_token,
    revoke_token,
)
from bot.summaries.render import render_csv, render_json
from bot.summaries.report import build_summary
from bot.web.app import create_app
from bot.web.pages import STYLE_HASH
from bot.web.svg import BAR_WIDTH
from summaries.summary_builders import MEMBERS, Community, PollSpec, standard_article

SECRET = "a-test-secret-of-enough-length"
HOSTILE = '<script>alert("x")</script> **bold** [link](javascript:alert(1)) <img src=x onerror=alert(1)> <@123456789012345678> &amp;'


@dataclass
class Site:
    client: TestClient
    links: ReportLinks
    status: GatewayWatch
    database: Database


@pytest.fixture
async def site(sqlite_database: Database) -> AsyncIterator[Site]:
    status = GatewayWatch(1.0)
    links = ReportLinks(sqlite_database, SECRET, "https://polls.example.org")
    client = TestClient(TestServer(create_app(sqlite_database, links, status)))
    await client.start_server()
    try:
        yield Site(client, links, status, sqlite_database)
    finally:
        await client.close()


async def _hostile_article(community: Community) -> int:
    article = await community.article(
        [PollSpec(f"Which one? {HOSTILE}", PollKind.CHOICE, (f"A {HOSTILE}", "</text><script>alert(2)</script>"),
                  anonymous=False),  # names are never shown on the web, anonymous or not
         PollSpec("What else?", PollKind.OPEN)],
        title=f"Title {HOSTILE}", language="en", author="Ada Member-Name",
    )
    await community.vote(article, 0, 0, MEMBERS[0])
    await community.vote(article, 0, 1, MEMBERS[1])
    await community.vote(article, 0, 1, MEMBERS[2])
    for n, text in enumerate([HOSTILE, "# heading\n- list item `code`", "Plain answer about cameras"]):
        await community.answer(article, 1, MEMBERS[3 + n], text)
    return article.id


# ----- tokens --------------------------------------------------------------------------------------------------


def test_token_is_192_bits_url_safe_and_depends_on_article_generation_and_secret() -> None:
    subject = LinkSubject(7, 111, "https://blog.example/a/", 0)
    token = report_token(SECRET, subject)
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token)  # 32 base64url characters = 192 bits
    assert token == report_token(SECRET, subject)
    others = {
        report_token(SECRET, LinkSubject(8, 111, subject.url, 0)),
        report_token(SECRET, LinkSubject(7, 112, subject.url, 0)),
        report_token(SECRET, LinkSubject(7, 111, "https://blog.example/b/", 0)),
        report_token(SECRET, LinkSubject(7, 111, subject.url, 1)),
        report_token(SECRET + "x", subject),
    }
    assert token not in others and len(others) == 5


async def test_tokens_resolve_until_revoked(database: Database) -> None:
    """On SQLite and PostgreSQL."""
    sqlite_database = database
    community = Community(sqlite_database)
    first = await standard_article(community)
    second = await standard_article(community)
    async with sqlite_database.session() as session:
        token = await issue_token(session, first.id, SECRET)
        other = await issue_token(session, second.id, SECRET)
    async with sqlite_database.session() as session:
        assert await issue_token(session, first.id, SECRET) == token  # stable until revoked
        assert await article_for_token(session, token, SECRET) == first.id
        assert await article_for_token(session, other, SECRET) == second.id
        assert await article_for_token(session, token[:-1], SECRET) is None
        assert await article_for_token(session, token + "A", SECRET) is None
        flipped = ("B" if token[5] == "A" else "A").join([token[:5], token[6:]])
        assert await article_for_token(session, flipped, SECRET) is None
        assert await article_for_token(session, token, "another secret of enough length") is None
        renewed = await revoke_token(session, first.id, SECRET)
    async with sqlite_database.session() as session:
        assert renewed != token
        assert await article_for_token(session, token, SECRET) is None
        assert await article_for_token(session, renewed, SECRET) == first.id
        assert await article_for_token(session, other, SECRET) == second.id


# ----- pages ---------------------------------------------------------------------------------------------------


async def test_report_page_shows_the_figures_with_strict_headers(site: Site) -> None:
    article = await standard_article(Community(site.database))
    url = await site.links.link_for(article.id)
    assert url.startswith("https://polls.example.org/r/")
    token = url.rsplit("/", 1)[1]
    response = await site.client.get(f"/r/{token}")
    assert response.status == 200
    body = await response.text()
    headers = response.headers
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and f"style-src {STYLE_HASH}" in policy and "frame-ancestors 'none'" in policy
    assert "script-src" not in policy and "unsafe" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Content-Type"].startswith("text/html")
    assert headers["Cache-Control"] == "private, max-age=30"  # polls open: figures at most a minute old

    summary = await build_summary(site.database, article.id)
    document = lxml.html.fromstring(body)
    assert document.get("lang") == "de"
    assert document.xpath("//meta[@name='viewport']")
    assert not document.xpath("//script|//iframe|//img|//link|//object")
    assert document.xpath("//h1/a/@href") == [summary.article.url]
    assert int(document.xpath("//p[@data-voters]/@data-voters")[0]) == summary.voters == 8
    sections = document.xpath("//section[@class='poll']")
    assert len(sections) == len(summary.polls) == 3
    for section, poll in zip(sections, summary.polls, strict=True):
        assert int(section.get("data-votes")) == poll.votes
        assert int(section.get("data-answers")) == len(poll.answers)
        assert section.xpath(".//svg") or section.xpath(".//*[local-name()='svg']")
        rows = section.xpath(".//tr[@class='option']")
        assert [(r.get("data-label"), int(r.get("data-votes")), float(r.get("data-share"))) for r in rows] == [
            (o.label, o.votes, o.share) for o in poll.options
        ]
    assert "Ja" in body and "Stimmen" in body and "Beteiligung" in body  # German, as the article
    assert "Anna Autorin" not in body  # the author's name (it may be a member's) is not on the page
    for member in MEMBERS:
        assert str(member) not in body


async def test_english_article_gets_an_english_page(site: Site) -> None:
    community = Community(site.database)
    article = await community.article([PollSpec("Tea or coffee?", PollKind.CHOICE, ("Tea", "Coffee"))], language="en",
                                      title="Morning drinks")
    await community.vote(article, 0, 1, MEMBERS[0])
    token = (await site.links.link_for(article.id)).rsplit("/", 1)[1]
    body = await (await site.client.get(f"/r/{token}")).text()
    assert '<html lang="en">' in body and "1 vote" in body and "What readers said" in body and "Stimme" not in body


async def test_reader_text_is_shown_as_text_everywhere(site: Site) -> None:
    article_id = await _hostile_article(Community(site.database))
    token = (await site.links.link_for(article_id)).rsplit("/", 1)[1]
    for path in (f"/r/{token}", f"/r/{token}/embed"):
        body = await (await site.client.get(path)).text()
        document = lxml.html.fromstring(body)
        assert not document.xpath("//script|//img|//*[@onerror]|//a[starts-with(@href,'javascript')]")
        assert "<script>" not in body and "&lt;script&gt;" in body
        assert "123456789012345678" not in body  # a mention shows without the member's id
        assert "Ada Member-Name" not in body
    odd = await Community(site.database).article([], url="javascript:alert(document.domain)//", language="en")
    odd_token = (await site.links.link_for(odd.id)).rsplit("/", 1)[1]
    odd_page = lxml.html.fromstring(await (await site.client.get(f"/r/{odd_token}")).text())
    assert not odd_page.xpath("//a[starts-with(@href,'javascript')]") and odd_page.xpath("//h1")
    page = await (await site.client.get(f"/r/{token}")).text()
    assert "**bold**" in page and "# heading - list item `code`" in page  # markdown is not interpreted either
    chart = await site.client.get(f"/r/{token}/chart.svg")
    assert chart.headers["Content-Type"].startswith("image/svg+xml")
    assert chart.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    svg = await chart.text()
    root = ElementTree.fromstring(svg.encode())  # well-formed: the hostile labels did not break out of <text>
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert not root.findall(".//{http://www.w3.org/2000/svg}script") and "<script>" not in svg
    texts = [element.text or "" for element in root.iter("{http://www.w3.org/2000/svg}text")]
    assert any("</text><script>alert(2)</script>" in text for text in texts)
    bars = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("fill") not in ("#ffffff", "#e6e9ee")]
    assert [float(r.get("width")) for r in bars][:2] == [round(BAR_WIDTH / 3, 1), round(BAR_WIDTH * 2 / 3, 1)]


async def test_downloads_are_what_reader_bot_summary_prints(site: Site) -> None:
    article = await standard_article(Community(site.database))
    token = (await site.links.link_for(article.id)).rsplit("/", 1)[1]
    summary = await build_summary(site.database, article.id)
    page = lxml.html.fromstring(await (await site.client.get(f"/r/{token}")).text())
    hrefs = [str(URL(f"/r/{token}").join(URL(href))) for href in page.xpath("//a[@download]/@href")]
    assert hrefs == [f"/r/{token}/summary.csv", f"/r/{token}/summary.json"]  # the page's own links lead there
    csv_response = await site.client.get(f"/r/{token}/summary.csv")
    assert await csv_response.text() == render_csv(summary)
    assert csv_response.headers["Content-Disposition"].startswith("attachment; filename=\"summary-")
    json_response = await site.client.get(f"/r/{token}/summary.json")
    assert json.loads(await json_response.text()) == json.loads(render_json(summary))
    assert json_response.headers["Content-Type"].startswith("application/json")


async def test_only_the_embed_may_be_framed(site: Site) -> None:
    article = await standard_article(Community(site.database))
    token = (await site.links.link_for(article.id)).rsplit("/", 1)[1]
    embed = await site.client.get(f"/r/{token}/embed")
    assert embed.status == 200
    assert "frame-ancestors" not in embed.headers["Content-Security-Policy"] and "X-Frame-Options" not in embed.headers
    assert embed.headers["Cache-Control"] == "public, max-age=30"
    for path in (f"/r/{token}", f"/r/{token}/chart.svg", f"/r/{token}/summary.csv", "/healthz", "/metrics", "/nope"):
        response = await site.client.get(path)
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path


async def test_etag_answers_304_and_closed_polls_cache_longer(site: Site) -> None:
    community = Community(site.database)
    article = await community.article([PollSpec("Done?", PollKind.YES_NO, ("Yes", "No"), state=PollState.CLOSED)], language="en")
    await community.vote(article, 0, 0, MEMBERS[0])
    token = (await site.links.link_for(article.id)).rsplit("/", 1)[1]
    for path in (f"/r/{token}", f"/r/{token}/embed", f"/r/{token}/chart.svg", f"/r/{token}/summary.json"):
        first = await site.client.get(path)
        etag = first.headers["ETag"]
        assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
        assert first.headers["Cache-Control"].endswith("max-age=300")
        again = await site.client.get(path, headers={"If-None-Match": etag})
        assert again.status == 304 and await again.read() == b"" and again.headers["ETag"] == etag
        other = await site.client.get(path, headers={"If-None-Match": '"0000"'})
        assert other.status == 200 and await other.read() == await first.read()


async def test_wrong_truncated_and_revoked_tokens_and_other_paths_are_404(site: Site) -> None:
    article = await standard_article(Community(site.database))
    token = (await site.links.link_for(article.id)).rsplit("/", 1)[1]
    assert (await site.client.get(f"/r/{token}")).status == 200
    new_url = await site.links.revoke(article.id)
    new_token = new_url.rsplit("/", 1)[1]
    bad = [token, token[:-1], token[:16], token + "x", "A" * 32, str(article.id), f"{article.id:032d}", "..%2Fhealthz"]
    paths = [f"/r/{candidate}" for candidate in bad] + [f"/r/{token}/embed", f"/r/{token}/chart.svg", f"/r/{token}/summary.csv"]
    paths += ["/", "/r", "/r/", "/articles", "/r/list", f"/r/{new_token}/other", "/static/", "/index.html"]
    bodies = set()
    for path in paths:
        response = await site.client.get(path)
        assert response.status == 404, path
        assert response.headers["Cache-Control"] == "no-store"
        bodies.add(await response.text())
    assert len(bodies) == 1  # revoked, malformed and unknown look the same
    assert (await site.client.get(f"/r/{new_token}")).status == 200
    assert (await site.client.post(f"/r/{new_token}")).status == 405


# ----- /healthz ------------------------------------------------------------------------------------------------


async def test_healthz_is_503_until_connected_and_feeding_then_200(site: Site) -> None:
    response = await site.client.get("/healthz")
    report = await response.json()
    assert response.status == 503 and report["status"] == "unhealthy"
    assert report["checks"]["database"]["ok"] is True and report["checks"]["gateway"]["ok"] is False
    assert report["checks"]["feeds"]["last_cycle_seconds_ago"] is None
    await site.status.on_connect()
    site.status.feed_cycle_done()
    response = await site.client.get("/healthz")
    assert response.status == 200 and (await response.json())["status"] == "ok"
    assert response.headers["Cache-Control"] == "no-store"
    await site.status.on_disconnect()
    assert (await site.client.get("/healthz")).status == 503


async def test_healthz_is_503_when_the_database_is_unreachable() -> None:
    database = Database("postgresql+asyncpg://postgres@127.0.0.1:1/nothing-listens-here")
    status = GatewayWatch(1.0)
    await status.on_connect()
    status.feed_cycle_done()
    client = TestClient(TestServer(create_app(database, ReportLinks(database, SECRET, "http://x"), status)))
    await client.start_server()
    try:
        response = await client.get("/healthz")
        report = await response.json()
        assert response.status == 503 and report["checks"]["database"]["ok"] is False
        assert report["checks"]["gateway"]["ok"] is True
        page = await client.get("/r/" + "A" * 32)
        assert page.status == 503 and page.headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'none'" in page.headers["Content-Security-Policy"]
        metrics = await client.get("/metrics")  # still served: the other figures are worth having
        assert metrics.status == 200 and b"reader_bot_votes_stored_total" in await metrics.read()
    finally:
        await client.close()
        await database.dispose()


async def test_stale_feed_cycle_is_unhealthy(sqlite_database: Database) -> None:
    now = [1000.0]
    status = GatewayWatch(1.0, 20.0, clock=lambda: now[0])
    await status.on_connect()
    status.feed_cycle_done()
    client = TestClient(TestServer(create_app(sqlite_database, ReportLinks(sqlite_database, SECRET, "http://x"), status)))
    await client.start_server()
    try:
        assert (await client.get("/healthz")).status == 200
        now[0] += status.feed_cycle_limit() + 1
        response = await client.get("/healthz")
        assert response.status == 503 and (await response.json())["checks"]["feeds"]["ok"] is False
    finally:
        await client.close()


async def test_operational_figures_on_each_backend(database: Database) -> None:
    from bot.storage.operations import operational_figures, ping

    await standard_article(Community(database))
    async with database.session() as session:
        await ping(session)
        figures = await operational_figures(session)
    assert figures.open_polls == 3 and figures.backlog == 0


async def test_an_address_in_use_is_one_clear_error(sqlite_database: Database) -> None:
    import socket
    from dataclasses import replace

    from bot.cogs.client import ReaderBot
    from bot.config import Settings, WebSettings
    from bot.web.errors import WebServerError

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = replace(Settings(), web=WebSettings(listen=f"127.0.0.1:{port}", secret=SECRET))
        bot = ReaderBot(settings, sqlite_database, fetcher=None, sync_commands=False)  # type: ignore[arg-type]
        try:
            with pytest.raises(WebServerError, match=rf"cannot serve the web pages on 127\.0\.0\.1:{port}: .*in use"):
                await bot._start_web()
        finally:
            await bot.web.stop()  # type: ignore[union-attr]
            await bot.close()
