"""Secrets never reach a log or an error message. `reader-bot run` runs as a process with a recognisable token through
start-up, faults (Discord answering 500 and 401, a command failing because of it, the gateway dropping) and a clean
SIGTERM shutdown; its whole log, and every message it sent, is searched for the token and for each part of it. A
database password in the configuration does not appear in the one line `reader-bot run` prints when the database is
unreachable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.sandbox import Sandbox
from e2e.harness import REPOSITORY, BotProcess, SandboxWorld, wait_until, write_bot_config

CANARY_TOKEN = "MTA5ODc2NTQzMjE.Canary-Gx7q.token-must-never-leak-4f2c9a"


def _fragments(token: str) -> list[str]:
    return [token] + [part for part in token.split(".") if len(part) >= 6]


async def test_the_token_appears_in_no_log_line_and_no_message_through_start_faults_and_shutdown(sandbox: Sandbox, tmp_path: Path) -> None:
    world = SandboxWorld.create(sandbox, token=CANARY_TOKEN)
    config = write_bot_config(tmp_path, world, database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    bot = BotProcess(config, tmp_path / "bot.log")
    bot.start()
    try:
        await world.wait_connected()
        # Discord falls over while an admin runs a command: the command fails, the bot logs why.
        sandbox.inject_fault(500, duration=3.0, path_contains="/interactions/")
        await sandbox.run_slash_command(world.admin, "feed", {}, subcommand="list", channel=world.channel)
        await wait_until(lambda: len(sandbox.requests_matching(path_contains="/interactions/", status=500)) >= 2, 10, "refused answers")
        sandbox.clear_faults()
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
    log = bot.log_text()
    # The faults reached the log, with a traceback: where a library would put whatever it held.
    assert "command /config show failed" in log and "401 Unauthorized" in log and "Traceback" in log, log[-3000:]
    assert "SIGTERM received" in log and log.rstrip().endswith("stopped")
    for fragment in _fragments(CANARY_TOKEN):
        assert fragment not in log, fragment
        for message in sandbox.state.messages.values():
            assert fragment not in message.content and fragment not in str(message.embeds)


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
