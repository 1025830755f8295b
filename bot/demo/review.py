"""The demo's review scene: editors decide on the last article's polls before anything goes public.

Before the blog publishes its last article the admin turns review mode on (`/config set review:True
review_channel:#redaktion editor_role:@Redaktion`). The bot posts the article and its thread as usual and sends
its proposed polls to #redaktion. The editor jana.weber (editor role, no Manage Server) drops the first proposal,
edits the second in the form, and approves it with the rest ("Approve all"); the admin adds one poll by
hand with `/poll add`. The community then votes on exactly what the editors let through.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from bot.demo.stages import DemoFailed

if TYPE_CHECKING:
    from bot.demo import ArticleRun, Demo
    from bot.sandbox import Message

REVIEW_CHANNEL = "redaktion"
EDITOR_ROLE = "Redaktion"
EDITOR_NAME = "jana.weber"
SCENE_TIMEOUT_SECONDS = 20.0
HAND_POLL = {"question": "Which newsletter do you actually read to the end?",
             "options": "A weekly digest | A monthly letter | None, I skim them all"}


def build_review_world(demo: Demo) -> None:
    """The review channel, the editor role and the editor (called when the world is built)."""
    sandbox = demo.sandbox
    demo.review_channel = sandbox.add_channel(demo.guild, REVIEW_CHANNEL, topic="Vorgeschlagene Umfragen prüfen")
    demo.editor_role = sandbox.add_role(demo.guild, EDITOR_ROLE)
    demo.editor = sandbox.add_member(demo.guild, EDITOR_NAME, roles=[demo.editor_role], locale="de")


async def turn_review_on(demo: Demo) -> None:
    await demo._command("config set", {"review": True, "review_channel": demo.review_channel,
                                       "editor_role": demo.editor_role})


def _custom_ids(message: Message | None) -> list[str]:
    if message is None:
        return []
    return [b["custom_id"] for row in message.components for b in row.get("components") or [] if b.get("custom_id")]


async def _until(predicate: Any, what: str) -> Any:
    deadline = time.monotonic() + SCENE_TIMEOUT_SECONDS
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise DemoFailed(f"review scene: no {what} within {SCENE_TIMEOUT_SECONDS:g} s")
        await asyncio.sleep(0.1)


async def _act(demo: Demo, handle: Any, log: str) -> str:
    from bot.demo.transcript import readable_mentions

    try:
        await handle.wait_response(10.0)
    except TimeoutError:
        raise DemoFailed(f"review scene: {log} got no answer") from None
    demo.setup_log.append(log)
    demo.setup_log += ["  " + line for line in readable_mentions(handle.text, demo.sandbox).splitlines()]
    return handle.text


async def review_scene(demo: Demo, article: ArticleRun) -> int:
    """Editors decide on the article's proposals and add one poll; returns how many polls the thread gets."""
    sandbox = demo.sandbox

    def review_message() -> Message | None:
        return next((m for m in sandbox.messages(demo.review_channel, include_system=False)
                     if m.embeds and m.embeds[0].get("url") == article.url), None)

    message = await _until(review_message, "review message in #" + REVIEW_CHANNEL)

    def ids(action: str) -> list[str]:  # the review message's buttons for `action`, in proposal order
        return [c for c in _custom_ids(review_message()) if c.startswith(f"rb:review:{action}:")]

    proposals = len(ids("approve"))
    if not proposals:
        raise DemoFailed("review scene: the review message has no proposals")
    kept = proposals
    if proposals > 1:
        await _act(demo, await sandbox.click_button(demo.editor, review_message(), ids("drop")[0]),
                   f"{EDITOR_NAME} dropped proposal 1 in #{REVIEW_CHANNEL}")
        kept -= 1
        await _until(lambda: len(ids("approve")) == kept, "review message without the dropped proposal's buttons")
    form = await sandbox.click_button(demo.editor, review_message(), ids("edit")[0])
    await form.wait_response(10.0)
    if not form.modal_opened:
        raise DemoFailed(f"review scene: the edit form did not open: {form.text[:200]!r}")
    fields = form.modal_fields
    question = str(fields.get("question", {}).get("value") or "").rstrip("?") + ", honestly?"
    options = str(fields.get("options", {}).get("value") or "")
    await _act(demo, await sandbox.submit_modal(demo.editor, form, {"question": question, "options": options}),
               f"{EDITOR_NAME} edited proposal {2 if proposals > 1 else 1}: “{question}”")
    await _act(demo, await sandbox.click_button(demo.editor, review_message(), ids("all")[0]),
               f"{EDITOR_NAME} approved the rest in #{REVIEW_CHANNEL}")
    await _act(demo, await sandbox.run_slash_command(
        demo.admin, "poll", {"article": str(article.article_id), **HAND_POLL, "duration": "14s"},
        subcommand="add", channel=demo.article_channel), "mara.lindner ran /poll add (a poll by hand)")
    return kept + 1
