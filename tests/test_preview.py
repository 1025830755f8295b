"""`reader-bot preview` against the project's own copy of the fixture blog, served by aiohttp."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import lxml.html
import pytest
from aiohttp import web

from bot.config import FeedSettings, Settings
from bot.preview import run_preview

BLOG = Path(__file__).resolve().parent / "fixtures" / "blog"
SLUGS = ["lumiere-sora-kreativitaet", "google-consent-mode-v2", "trends-performance-marketing-2023"]  # newest first
EXPECTED = json.loads((BLOG / "expected.json").read_text(encoding="utf-8"))["articles"]


def page_headline(slug: str) -> str:
    """The article's headline as the page shows it (<h1>), independent of the code under test."""
    document = lxml.html.document_fromstring((BLOG / f"{slug}.html").read_bytes())
    return re.sub(r"\s+", " ", document.find(".//h1").text_content()).strip()


class FixtureBlog:
    """The fixture blog the way tests/fixtures/blog/ describes it (like /work/shared's serve.py):
    /feed/ is feed.xml, /<slug>/ is <slug>.html, http://blog.example is rewritten to this server."""

    def __init__(self) -> None:
        self.base = ""
        self.requests: list[str] = []
        self.missing: set[str] = set()

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append(request.path)
        name = request.path.strip("/")
        if name in self.missing:
            return web.Response(status=404, text="gone")
        if name == "feed":
            return self._file("feed.xml", "application/rss+xml")
        if (BLOG / f"{name}.html").is_file() and "/" not in name:
            return self._file(f"{name}.html", "text/html")
        return web.Response(status=404, text="not found")

    def _file(self, name: str, content_type: str) -> web.Response:
        body = (BLOG / name).read_bytes().replace(b"http://blog.example", self.base.encode())
        return web.Response(body=body, content_type=content_type, charset="utf-8")


@pytest.fixture
async def blog() -> AsyncIterator[FixtureBlog]:
    site = FixtureBlog()
    app = web.Application()
    app.router.add_get("/{tail:.*}", site.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    site.base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield site
    await runner.cleanup()


def settings(allow_private: bool = True) -> Settings:
    return Settings(feeds=FeedSettings(timeout=5.0, allow_private_addresses=allow_private))


async def test_json_lists_the_three_articles(blog: FixtureBlog, capsys: pytest.CaptureFixture[str]) -> None:
    status = await run_preview(f"{blog.base}/feed/", settings(), as_json=True, limit=None)
    captured = capsys.readouterr()
    assert status == 0
    document = json.loads(captured.out)  # exactly one JSON document on stdout
    assert document["feed"] == {"url": f"{blog.base}/feed/", "title": "Beispiel Agentur Blog"}
    articles = document["articles"]
    assert [article["url"] for article in articles] == [f"{blog.base}/{slug}/" for slug in SLUGS]
    assert [article["title"] for article in articles] == [page_headline(slug) for slug in SLUGS]
    assert [article["author"] for article in articles] == [EXPECTED[slug]["author"] for slug in SLUGS]
    assert [article["language"] for article in articles] == [EXPECTED[slug]["language"] for slug in SLUGS]
    assert [article["published"] for article in articles] == [
        "2024-02-16T08:00:00+00:00", "2024-01-25T09:00:00+00:00", "2023-01-25T07:00:00+00:00"]
    assert articles[0]["image"] == f"{blog.base}/wp-content/uploads/2024/02/lumiere-sora.jpg"
    assert articles[1]["image"] is None
    for article in articles:
        assert set(article) == {"url", "title", "author", "published", "language", "image", "polls"}
        for poll in article["polls"]:
            assert set(poll) == {"question", "kind", "options"}
            assert poll["kind"] in ("yes_no", "choice", "open")
    assert captured.err == ""
    assert blog.requests[0] == "/feed/" and sorted(blog.requests[1:]) == sorted(f"/{slug}/" for slug in SLUGS)


async def test_private_address_is_refused_without_the_flag(blog: FixtureBlog, capsys: pytest.CaptureFixture[str]) -> None:
    status = await run_preview(f"{blog.base}/feed/", settings(allow_private=False), as_json=True, limit=None)
    captured = capsys.readouterr()
    assert status == 1
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert f"{blog.base}/feed/" in lines[0] and "loopback" in lines[0] and "--allow-private-addresses" in lines[0]
    assert blog.requests == []


async def test_limit_and_text_report(blog: FixtureBlog, capsys: pytest.CaptureFixture[str]) -> None:
    status = await run_preview(f"{blog.base}/feed/", settings(), as_json=False, limit=2)
    captured = capsys.readouterr()
    assert status == 0
    report = captured.out
    assert report.startswith("Beispiel Agentur Blog\n")
    assert "2 articles" in report
    assert page_headline(SLUGS[0]) in report and page_headline(SLUGS[1]) in report
    assert page_headline(SLUGS[2]) not in report  # only the newest two
    assert "by Alex Beispiel" in report and "language: de" in report
    assert "polls" in report
    assert f"/{SLUGS[2]}/" not in blog.requests


async def test_article_page_that_fails_is_still_listed(blog: FixtureBlog, capsys: pytest.CaptureFixture[str]) -> None:
    blog.missing.add(SLUGS[1])
    status = await run_preview(f"{blog.base}/feed/", settings(), as_json=True, limit=None)
    captured = capsys.readouterr()
    assert status == 0
    articles = json.loads(captured.out)["articles"]
    assert len(articles) == 3
    listed = articles[1]
    assert listed["title"] == page_headline(SLUGS[1])  # from the feed
    assert (listed["author"], listed["language"]) == ("Sam Muster", "de")
    assert "note: article 2" in captured.err and "HTTP 404" in captured.err


@pytest.mark.parametrize(
    ("path", "words"),
    [("/no-such-feed/", "HTTP 404"), (f"/{SLUGS[0]}/", "web page (HTML), not an RSS, Atom or JSON feed")],
)
async def test_feed_that_cannot_be_read_is_one_line_and_exit_1(
    blog: FixtureBlog, capsys: pytest.CaptureFixture[str], path: str, words: str
) -> None:
    status = await run_preview(f"{blog.base}{path}", settings(), as_json=True, limit=None)
    captured = capsys.readouterr()
    assert status == 1 and captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and f"{blog.base}{path}" in lines[0] and words in lines[0]


async def test_local_feed_file(blog: FixtureBlog, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes((BLOG / "feed.xml").read_bytes().replace(b"http://blog.example", blog.base.encode()))
    status = await run_preview(str(feed), settings(), as_json=True, limit=1)
    captured = capsys.readouterr()
    assert status == 0
    document = json.loads(captured.out)
    assert document["feed"]["url"] == feed.as_uri()
    assert [article["url"] for article in document["articles"]] == [f"{blog.base}/{SLUGS[0]}/"]
    assert document["articles"][0]["author"] == "Alex Beispiel"


async def test_missing_file_and_other_schemes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert await run_preview(str(tmp_path / "nope.xml"), settings(), as_json=False, limit=None) == 1
    assert "no such file" in capsys.readouterr().err
    assert await run_preview("ftp://blog.example/feed", settings(), as_json=False, limit=None) == 1
    assert "ftp:// addresses are not supported" in capsys.readouterr().err


async def run_cli(*arguments: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "preview", *arguments,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=str(BLOG),  # no config.toml there
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_command_line(blog: FixtureBlog) -> None:
    """The real CLI in its own process: with the flag three articles, without it a refusal."""
    status, out, err = await run_cli(f"{blog.base}/feed/", "--json", "--allow-private-addresses")
    assert status == 0, err
    articles = json.loads(out)["articles"]
    assert [(a["title"], a["author"], a["language"], a["url"]) for a in articles] == [
        (page_headline(slug), EXPECTED[slug]["author"], EXPECTED[slug]["language"], f"{blog.base}/{slug}/") for slug in SLUGS
    ]
    status, out, err = await run_cli(f"{blog.base}/feed/", "--json")
    assert status == 1 and out == ""
    assert "--allow-private-addresses" in err and len(err.strip().splitlines()) == 1


async def test_explain_gives_every_question_with_confidence_signals_and_reason(
    blog: FixtureBlog, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--explain`: every question-like sentence, kept or dropped, with its confidence, its signals and why."""
    from bot.questions.finder import RULES
    from bot.questions.signals import SIGNALS

    status = await run_preview(f"{blog.base}/feed/", settings(), as_json=True, limit=None, explain=True)
    articles = json.loads(capsys.readouterr().out)["articles"]
    assert status == 0
    lumiere = articles[0]
    questions = {entry["question"]: entry for entry in lumiere["questions"]}
    kept = [entry["question"] for entry in lumiere["questions"] if entry["kept"]]
    assert kept == [poll["question"] for poll in lumiere["polls"]]  # the polls are exactly the kept ones
    dropped = questions["Was passiert bis dahin?"]
    assert dropped["kept"] is False and dropped["rule"] == "author_question" and dropped["why"] == RULES["author_question"]
    closing = questions["Was glaubst du, wie sich die KI der Video-Generation auf deinen Teil der Welt auswirken wird?"]
    assert closing["kept"] and closing["confidence"] >= 0.6
    assert closing["signals"]["reader_address"] == SIGNALS["reader_address"].weight
    for entry in lumiere["questions"]:
        assert set(entry) == {"question", "position", "kept", "rule", "why", "kind", "confidence", "signals"}
        assert 0.0 <= entry["confidence"] <= 1.0

    status = await run_preview(f"{blog.base}/feed/", settings(), as_json=False, limit=1, explain=True)
    report = capsys.readouterr().out
    assert "question-like sentences (4; a poll needs confidence >= 0.60):" in report
    assert "dropped (author_question): Was passiert bis dahin?" in report
    assert "signals: reader_address +2.0, closing +1.5" in report


async def test_preview_applies_the_cap_per_article(blog: FixtureBlog, capsys: pytest.CaptureFixture[str]) -> None:
    from dataclasses import replace

    from bot.config import PollSettings

    capped = replace(settings(), polls=PollSettings(max_per_article=1))
    status = await run_preview(f"{blog.base}/feed/", capped, as_json=True, limit=None, explain=True)
    articles = json.loads(capsys.readouterr().out)["articles"]
    assert status == 0
    assert [len(article["polls"]) for article in articles] == [1, 1, 1]
    lumiere = articles[0]["questions"]
    assert [entry["rule"] for entry in lumiere if entry["rule"] == "over_cap"] == ["over_cap", "over_cap"]
    kept = max((entry for entry in lumiere if entry["kept"] or entry["rule"] == "over_cap"), key=lambda e: e["confidence"])
    assert kept["kept"]  # the most confident one stays
