"""Secrets never reach a log or an error message. `reader-bot run` runs as a process with a recognisable token through
start-up, faults (an error page that repeats the request's headers, Discord answering 401 so a command fails, the
gateway dropping) and a clean SIGTERM shutdown; its whole log, and every message it sent, is searched for the token
and for each part of it. The same when Discord fails at login. A database password in the configuration does not
appear in the one line `reader-bot run` prints when the database is unreachable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import aiohttp
from aiohttp import web

from bot.sandbox import Sandbox
from e2e.articles import FOUR_DAY_WEEK
from e2e.harness import REPOSITORY, BlogServer, BotProcess, SandboxWorld, custom_ids, wait_until
from reliability.support import write_config

CANARY_TOKEN = "MTA5ODc2NTQzMjE.Canary-Gx7q.token-must-never-leak-4f2c9a"


def _fragments(token: str) -> list[str]:
    return [token] + [part for part in token.split(".") if len(part) >= 6]


class EchoingProxy:
    """An HTTP proxy in front of the sandbox's REST API. `echo(method, path_part)` makes the next matching request
    fail with 503 and an error page that repeats the request's headers, as a misconfigured proxy's debug page does:
    the bot's token lands in the exception discord.py raises, and from there in whatever the bot logs or prints."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.echoes: list[tuple[str, str]] = []
        self.echoed = 0
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.api_base = ""

    async def start(self) -> str:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._session = aiohttp.ClientSession(auto_decompress=False)
        self.api_base = f"http://127.0.0.1:{port}/api/v10"
        return self.api_base

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def echo(self, method: str, path_part: str) -> None:
        self.echoes.append((method, path_part))

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        for index, (method, part) in enumerate(self.echoes):
            if request.method == method and part in request.path:
                del self.echoes[index]
                self.echoed += 1
                headers = "\n".join(f"{name}: {value}" for name, value in request.headers.items())
                return web.Response(status=503, text=f"upstream unavailable; your request was:\n{request.method} {request.path}\n{headers}")
        assert self._session is not None
        base = self.upstream.rsplit("/api/v10", 1)[0]
        async with self._session.request(
            request.method, base + request.path_qs, data=await request.read(),
            headers={k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")},
        ) as upstream:
            body = await upstream.read()
            headers = {k: v for k, v in upstream.headers.items()
                       if k.lower() not in ("content-length", "transfer-encoding", "content-encoding", "date", "server")}
            return web.Response(status=upstream.status, body=body, headers=headers)


async def test_the_token_appears_in_no_log_line_and_no_message_through_start_faults_and_shutdown(
    sandbox: Sandbox, blog: BlogServer, tmp_path: Path
) -> None:
    world = SandboxWorld.create(sandbox, token=CANARY_TOKEN)
    proxy = EchoingProxy(sandbox.api_base)
    await proxy.start()
    config = write_config(tmp_path, sandbox, token=CANARY_TOKEN, database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
                          api_base=proxy.api_base)
    bot = BotProcess(config, tmp_path / "bot.log")
    bot.start()
    try:
        await world.wait_connected()
        subscribed = await sandbox.run_slash_command(world.admin, "feed", {"url": blog.feed_url, "channel": world.channel},
                                                     subcommand="add", channel=world.channel)
        await subscribed.wait_response(timeout=10)
        post = blog.add_post("week", "A four-day week", FOUR_DAY_WEEK)
        article = await wait_until(lambda: next(iter(world.article_messages(blog.post_url(post.slug))), None), 15, "the article")
        polls = await wait_until(lambda: len(world.thread_messages(article)) == 3 and world.thread_messages(article), 10, "its polls")
        # A vote makes the bot edit the poll message, and the edit meets an error page that repeats the request,
        # Authorization header included; the bot logs the failed edit with its traceback.
        proxy.echo("PATCH", "/messages/")
        vote = await sandbox.click_button(world.member, polls[0], custom_ids(polls[0])[0])
        await vote.wait_response(timeout=10)
        await wait_until(lambda: "your request was" in bot.log_text(), 10, "the failed edit in the log")
        # Discord refuses an interaction answer (401): the command fails and the bot logs it with a traceback.
        sandbox.inject_fault(401, count=2, path_contains="/interactions/")
        await sandbox.run_slash_command(world.admin, "config", {}, subcommand="show", channel=world.channel)
        await wait_until(lambda: sandbox.requests_matching(path_contains="/interactions/", status=401), 10, "a 401")
        # The gateway drops; the bot resumes (sending its token again).
        resumes = len(sandbox.hub.resumes)
        sandbox.drop_gateway(world.bot)
        await wait_until(lambda: len(sandbox.hub.resumes) > resumes and sandbox.is_connected(world.bot), 10, "a resume")
        ok = await sandbox.run_slash_command(world.admin, "feed", {}, subcommand="list", channel=world.channel)
        await ok.wait_response(timeout=10)
        assert await bot.stop() == 0
    finally:
        bot.kill()
        await proxy.stop()
    log = bot.log_text()
    assert proxy.echoed == 1
    # The faults reached the log: the error page (with the token cut out), and a traceback.
    assert "your request was" in log and "Bot [redacted]" in log, log[-3000:]
    assert "command /config show failed" in log and "401 Unauthorized" in log and "Traceback" in log, log[-3000:]
    assert "SIGTERM received" in log and log.rstrip().endswith("stopped")
    for fragment in _fragments(CANARY_TOKEN):
        assert fragment not in log, fragment
        for message in sandbox.state.messages.values():
            assert fragment not in message.content and fragment not in str(message.embeds)


async def test_the_token_is_not_printed_when_discord_fails_at_login(sandbox: Sandbox, tmp_path: Path) -> None:
    SandboxWorld.create(sandbox, token=CANARY_TOKEN)
    proxy = EchoingProxy(sandbox.api_base)
    await proxy.start()
    proxy.echo("GET", "/users/@me")
    config = write_config(tmp_path, sandbox, token=CANARY_TOKEN, database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
                          api_base=proxy.api_base)
    bot = BotProcess(config, tmp_path / "bot.log")
    bot.start()
    try:
        code = await bot.wait_exit(30)
    finally:
        bot.kill()
        await proxy.stop()
    log = bot.log_text()
    assert proxy.echoed == 1 and code == 1, (code, log[-3000:])
    assert "reader-bot: Discord answered 503" in log, log[-3000:]
    assert all(fragment not in log for fragment in _fragments(CANARY_TOKEN)), log[-3000:]


def test_a_database_password_is_not_printed_when_the_database_is_unreachable(tmp_path: Path) -> None:
    config = tmp_path / "reader-bot.toml"
    config.write_text(
        f'[discord]\ntoken = "{CANARY_TOKEN}"\n'
        '[database]\nurl = "postgresql+asyncpg://reader:hunter2-db-secret@127.0.0.1:9/reader"\n',
        encoding="utf-8",
    )
    result = subprocess.run([sys.executable, "-m", "bot", "run", "--config", str(config)], cwd=REPOSITORY,
                            capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert output.startswith("reader-bot: cannot prepare the database 'postgresql+asyncpg://reader:***@127.0.0.1:9/reader'"), output
    assert "hunter2-db-secret" not in output and all(fragment not in output for fragment in _fragments(CANARY_TOKEN))
    assert len(output.strip().splitlines()) == 1 and "Traceback" not in output
