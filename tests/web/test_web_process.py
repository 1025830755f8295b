"""The web pages of a real `reader-bot run` against the sandbox: links in /summary, the summary post and the
author's DM, /summary-revoke, /healthz, and /metrics counters that move as members vote and feeds are fetched."""

from __future__ import annotations

import json

import lxml.html
from prometheus_client.parser import text_string_to_metric_families

from e2e.fixtures import StartBot
from e2e.harness import BlogServer, SandboxWorld, wait_until
from web.scenario import HOSTILE_ANSWER, LINK, ask_summary, fetch, start_web_run, summary_json, vote_and_answer



def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape, parsed by prometheus_client's own parser."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


async def _scrape(base: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    status, text, headers = await fetch(f"{base}/metrics")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    return _samples(text)


def _value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_links_revoke_healthz_and_metrics_from_a_running_bot(
    world: SandboxWorld, blog: BlogServer, start_bot: StartBot
) -> None:
    sandbox = world.sandbox
    run = await start_web_run(world, blog, start_bot)
    await wait_until(lambda: _counter_above(run.base, "reader_bot_open_polls", 2), 10, "3 open polls counted")
    before = await _scrape(run.base)

    clicks = await vote_and_answer(world, run)

    after = await _scrape(run.base)
    assert _value(after, "reader_bot_votes_stored_total") - _value(before, "reader_bot_votes_stored_total") == clicks
    assert _value(after, "reader_bot_votes_acknowledged_total") - _value(before, "reader_bot_votes_acknowledged_total") == clicks
    assert _value(after, "reader_bot_vote_ack_seconds_count") - _value(before, "reader_bot_vote_ack_seconds_count") == clicks
    assert _value(after, "reader_bot_vote_ack_seconds_bucket", le="+Inf") >= clicks
    assert _value(after, "reader_bot_gateway_connected") == 1
    assert _value(after, "reader_bot_outbox_backlog") == 0
    ok_before = _value(after, "reader_bot_feed_fetches_total", outcome="ok")
    assert ok_before >= 1
    blog.fail_with(500)
    failed = await wait_until(
        lambda: _fetch_failed(run.base, _value(after, "reader_bot_feed_fetches_total", outcome="failed")), 10, "a failed fetch counted"
    )
    assert failed
    blog.fail_with(None)

    # A 429 on an interaction answer (discord.py waits and retries) and a dropped gateway (it resumes) are counted.
    waits, reconnects = (_value(after, "reader_bot_rate_limit_waits_total"), _value(after, "reader_bot_gateway_reconnects_total"))
    sandbox.inject_fault(429, count=1, path_contains="/callback", retry_after=0.2)
    yes_no = run.polls[0]
    other = [b["custom_id"] for row in yes_no.components for b in row["components"] if b["custom_id"].startswith("rb:vote:")][1]
    changed = await sandbox.click_button(run.readers[0], yes_no, other)
    await changed.wait_response(timeout=10)
    assert _value(await _scrape(run.base), "reader_bot_rate_limit_waits_total") == waits + 1
    assert sandbox.drop_gateway(world.bot) >= 1
    await wait_until(lambda: _counter_above(run.base, "reader_bot_gateway_reconnects_total", reconnects), 15, "a reconnect counted")
    await wait_until(lambda: _counter_above(run.base, "reader_bot_gateway_connected", 0), 15, "the gateway back")
    status, body, _ = await fetch(f"{run.base}/healthz")
    assert status == 200 and json.loads(body)["checks"]["gateway"]["ok"] is True

    # /summary carries the link; the page and the downloads hold what `reader-bot summary --json` prints.
    answer = await ask_summary(world, world.admin, run.article_url)
    link = LINK.search(answer)
    assert link, answer
    first = link.group(1)
    status, page, headers = await fetch(first)
    assert status == 200 and "default-src 'none'" in headers["Content-Security-Policy"]
    expected = summary_json(run.bot, run.article_url)
    status, downloaded, _ = await fetch(first + "/summary.json")
    assert status == 200 and json.loads(downloaded) == expected
    document = lxml.html.fromstring(page)
    assert int(document.xpath("//p[@data-voters]/@data-voters")[0]) == expected["voters"] == len(run.readers)
    assert not document.xpath("//script|//img") and "&lt;script&gt;" in page
    assert HOSTILE_ANSWER in [a["text"] for a in expected["polls"][2]["answers"]]
    for member in [world.admin, world.member, *run.readers]:
        assert member.user.name not in page and str(member.user.id) not in page

    # A member without permission gets neither the summary nor a link, and cannot revoke.
    refused = await ask_summary(world, world.member, run.article_url)
    assert not LINK.search(refused) and "/r/" not in refused
    refused = await ask_summary(world, world.member, run.article_url, command="summary-revoke")
    assert not LINK.search(refused)
    assert (await fetch(first))[0] == 200

    # Revoking: /summary-revoke offers the articles like /summary; the old link is a 404 at once, the new one works.
    offered = await sandbox.autocomplete(world.admin, "summary-revoke", {"article": "four"}, "article", channel=world.channel)
    await offered.wait_response(timeout=10)
    assert [choice["name"].split(" · ")[0] for choice in offered.choices] == ["A four-day week, one year later"]
    revoked = await ask_summary(world, world.admin, offered.choices[0]["value"], command="summary-revoke")
    renewed = LINK.search(revoked)
    assert renewed and renewed.group(1) != first, revoked
    assert (await fetch(first))[0] == 404
    assert (await fetch(first + "/embed"))[0] == 404
    assert (await fetch(renewed.group(1)))[0] == 200
    again = LINK.search(await ask_summary(world, world.admin, run.article_url))
    assert again and again.group(1) == renewed.group(1)

    # An admin closes the polls: the summary post and the author's DM carry the (new) link.
    for message in run.polls:
        poll_id = next(b["custom_id"] for row in message.components for b in row["components"]).split(":")[2]
        closing = await sandbox.run_slash_command(world.admin, "poll", {"poll": poll_id}, subcommand="close", channel=world.channel)
        await closing.wait_response(timeout=10)
        assert "is closed" in closing.text, closing.text
    post = await sandbox.wait_for_message(run.summary_channel, lambda m: bool(LINK.search(m.content or "")), timeout=20)
    assert LINK.search(post.content).group(1) == renewed.group(1)
    dm = await wait_until(lambda: [m for m in sandbox.dm_messages(world.admin) if LINK.search(m.content or "")], 10, "the DM")
    assert LINK.search(dm[0].content).group(1) == renewed.group(1)
    status, _, headers = await fetch(renewed.group(1))
    assert status == 200 and headers["Cache-Control"].endswith("max-age=300")  # closed: figures are final
    assert _value(await _scrape(run.base), "reader_bot_open_polls") == 0
    assert "Traceback" not in run.bot.log_text()


async def _fetch_failed(base: str, baseline: float) -> bool:
    return _value(await _scrape(base), "reader_bot_feed_fetches_total", outcome="failed") > baseline


async def _counter_above(base: str, name: str, baseline: float) -> bool:
    return _value(await _scrape(base), name) > baseline

