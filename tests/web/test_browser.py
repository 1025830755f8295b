"""A real headless Chromium (Debian's `chromium`, driven by Playwright) opens a report page and the widget of a
bot run against the sandbox: screenshots, no console errors or CSP violations, the stylesheet applied (its hash
matches the policy), the figures on the page equal `reader-bot summary --json`, and only the widget can be framed.

Without Chromium (or Playwright) the test skips and says why; with CI or READER_BOT_REQUIRE_BROWSER set it
fails instead, so CI always runs it (.ci/run installs the browser).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from e2e.fixtures import StartBot
from e2e.harness import BlogServer, SandboxWorld, wait_until
from web.scenario import HOSTILE_ANSWER, LINK, ask_summary, start_web_run, summary_json, vote_and_answer

CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# Registered before any page script (through DevTools, so the page's CSP does not apply to it).
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""
READ_FIGURES = """() => ({
  voters: Number(document.querySelector('[data-voters]').dataset.voters),
  votersText: document.querySelector('[data-voters]').innerText,
  polls: [...document.querySelectorAll('section.poll')].map(s => ({
    question: s.querySelector('h2').innerText,
    kind: s.dataset.kind,
    closed: s.dataset.closed === 'true',
    votes: Number(s.dataset.votes),
    answers: Number(s.dataset.answers),
    meta: s.querySelector('.meta').innerText,
    svgBars: s.querySelectorAll('svg rect').length,
    options: [...s.querySelectorAll('tr.option')].map(r => ({
      label: r.querySelector('th').innerText, votes: Number(r.querySelectorAll('td')[0].innerText),
      shown: r.querySelectorAll('td')[1].innerText, share: Number(r.dataset.share)})),
    quotes: [...s.querySelectorAll('blockquote')].map(q => q.innerText),
  })),
})"""


def _browser_or_reason() -> tuple[str | None, str]:
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return None, "Playwright for Python is not installed (pip install playwright; no `playwright install` needed)"
    for path in CHROMIUM_PATHS:
        if os.access(path, os.X_OK):
            return path, ""
    found = shutil.which("chromium")
    if found:
        return found, ""
    return None, "no Chromium found (Debian: apt-get install -y chromium)"


def _require_browser() -> str:
    """Chromium's path; skips with the reason when there is none, or fails when CI demands the browser test."""
    path, reason = _browser_or_reason()
    if path is None:
        if os.environ.get("CI") or os.environ.get("READER_BOT_REQUIRE_BROWSER"):
            pytest.fail(f"the browser test must run here (CI / READER_BOT_REQUIRE_BROWSER is set), but: {reason}")
        pytest.skip(f"browser test skipped: {reason}")
    return path


def test_a_missing_browser_skips_locally_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(f"{__name__}.CHROMIUM_PATHS", ("/nonexistent/chromium",))
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("READER_BOT_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no Chromium found"):
        _require_browser()
    monkeypatch.setenv("READER_BOT_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="must run here"):
        _require_browser()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    path = _require_browser()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


class Watched:
    """A page with its console errors, page errors and CSP violations collected."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    async def violations(self) -> list[str]:
        return await self.page.evaluate("() => window.__violations || []")


async def _open(context: Any, url: str) -> Watched:
    page = await context.new_page()
    watched = Watched(page)
    response = await page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, url
    return watched


def _is_png(path: Path) -> bool:
    data = path.read_bytes()
    return len(data) > 2000 and data[:8] == b"\x89PNG\r\n\x1a\n"


async def test_chromium_shows_report_and_widget_with_the_cli_figures(
    world: SandboxWorld, blog: BlogServer, start_bot: StartBot, browser: Any, tmp_path: Path
) -> None:
    run = await start_web_run(world, blog, start_bot)
    await vote_and_answer(world, run)
    link = LINK.search(await ask_summary(world, world.admin, run.article_url))
    assert link
    url = link.group(1)
    expected = summary_json(run.bot, run.article_url)

    context = await browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=True)
    await context.add_init_script(WATCH_VIOLATIONS)
    report = await _open(context, url)
    screenshot = tmp_path / "report.png"
    await report.page.screenshot(path=str(screenshot), full_page=True)
    assert _is_png(screenshot)
    assert report.errors == [] and await report.violations() == []
    # The inline stylesheet was applied, i.e. its hash in the policy matched (else Chromium blocks and reports it).
    assert await report.page.evaluate("() => getComputedStyle(document.body).maxWidth") == "736px"
    # Readable on a phone: nothing wider than the screen.
    assert await report.page.evaluate("() => document.documentElement.scrollWidth") <= 390

    shown = await report.page.evaluate(READ_FIGURES)
    assert shown["voters"] == expected["voters"] and str(expected["voters"]) in shown["votersText"]
    assert len(shown["polls"]) == len(expected["polls"])
    for on_page, poll in zip(shown["polls"], expected["polls"], strict=True):
        assert on_page["question"].endswith(poll["question"])
        assert (on_page["kind"], on_page["closed"], on_page["votes"]) == (poll["kind"], poll["closed"], poll["votes"])
        assert on_page["answers"] == len(poll["answers"])
        assert [(o["label"], o["votes"], o["share"]) for o in on_page["options"]] == [
            (o["label"], o["votes"], o["share"]) for o in poll["options"]
        ]
        for option in on_page["options"]:
            assert option["shown"] == f"{round(option['share'] * 100)}%"
        if poll["kind"] != "open":
            assert f"{poll['votes']} votes" in on_page["meta"] and on_page["svgBars"] == 2 * len(poll["options"])
        else:
            assert f"{len(poll['answers'])} answers" in on_page["meta"]
            # Samples of the written answers, as written (a mention shows as "@…", without the member's id).
            assert on_page["quotes"] and all(
                any(q.split("@…")[0].strip() in a["text"] for a in poll["answers"]) for q in on_page["quotes"]
            )
    # The hostile answer, if sampled, shows as the text it is; nothing ran.
    page_text = await report.page.inner_text("body")
    if "pwned" in page_text:
        assert '<script>alert("pwned")</script>' in page_text
    assert await report.page.evaluate("() => document.scripts.length") == 0
    assert HOSTILE_ANSWER.split(" ")[0] not in await report.page.evaluate("() => document.title")

    widget = await _open(context, url + "/embed")
    screenshot = tmp_path / "embed.png"
    await widget.page.screenshot(path=str(screenshot), full_page=True)
    assert _is_png(screenshot)
    assert widget.errors == [] and await widget.violations() == []
    figures = await widget.page.evaluate(READ_FIGURES)
    assert figures["voters"] == expected["voters"]
    assert [p["votes"] for p in figures["polls"]] == [p["votes"] for p in expected["polls"]]

    # Framed by another site: the widget loads, the report page is refused by its frame-ancestors.
    host = await context.new_page()
    host_errors: list[str] = []
    host.on("console", lambda message: host_errors.append(message.text) if message.type == "error" else None)
    await host.set_content(f'<iframe id="w" src="{url}/embed" width="400" height="600"></iframe>'
                           f'<iframe id="r" src="{url}" width="400" height="600"></iframe>')

    async def framed_widget_shown() -> bool:
        frame = next((frame for frame in host.frames if frame.url == url + "/embed"), None)
        try:
            return frame is not None and await frame.evaluate("() => document.querySelectorAll('section.poll').length") == 3
        except Exception:  # noqa: BLE001 - the frame is still navigating: look again
            return False

    await wait_until(framed_widget_shown, 15, "the widget in an iframe")
    await wait_until(lambda: any("frame-ancestors" in error for error in host_errors), 15, "the report page refused in a frame")
    await context.close()
