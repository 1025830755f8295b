"""Which process does a guild's work (issue 14): Discord's shard formula, the shard settings, its SQL form on both
databases, and `reader-bot run` refusing what SQLite cannot do."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.shards import ShardPlan, parse_shard_ids, plan_from_settings, shard_of
from bot.storage.database import Database
from bot.storage.models import GuildSettings
from bot.storage.ownership import owned_guilds
from bot.storage.single_process import lock_sqlite

# Snowflakes whose shard is known: (id >> 22) % count, as in Discord's documentation ("Sharding formula").
GUILDS = [41771983423143937, 81384788765712384, 175928847299117063, 1576605094953222146]


def test_shard_of_is_discords_formula() -> None:
    assert shard_of(41771983423143937, 4) == 2  # its timestamp part, 41771983423143937 >> 22, is 9959216934
    assert {shard_of(guild, 1) for guild in GUILDS} == {0}


@pytest.mark.parametrize("text, ids", [("0-3", (0, 1, 2, 3)), ("0,2,5", (0, 2, 5)), ("0-1, 4", (0, 1, 4)), ("3", (3,))])
def test_shard_ids_are_read_as_ranges_and_lists(text: str, ids: tuple[int, ...]) -> None:
    assert parse_shard_ids(text) == ids


@pytest.mark.parametrize("text", ["", "a-b", "3-1", "-2", "1-"])
def test_bad_shard_ids_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_shard_ids(text)


def test_a_plan_owns_the_guilds_of_its_shards_only() -> None:
    everything = ShardPlan()
    half = plan_from_settings(4, "0-1")
    other = plan_from_settings(4, "2-3")
    assert all(everything.owns(guild) for guild in GUILDS)
    assert all(half.owns(guild) != other.owns(guild) for guild in GUILDS)
    assert not plan_from_settings(4, "0-3").partial and not plan_from_settings(4, None).partial
    with pytest.raises(ValueError):
        plan_from_settings(4, "4")
    with pytest.raises(ValueError):
        plan_from_settings(None, "0")


async def test_the_sql_form_agrees_with_the_function(database: Database) -> None:
    ids = [(n << 22) + n * 7 for n in range(40)] + GUILDS
    async with database.session() as session:
        session.add_all(GuildSettings(guild_id=guild) for guild in ids)
    plan = plan_from_settings(8, "1,3-4")
    async with database.session() as session:
        rows = set(await session.scalars(select(GuildSettings.guild_id).where(owned_guilds(GuildSettings.guild_id, plan))))
        everything = set(await session.scalars(select(GuildSettings.guild_id).where(owned_guilds(GuildSettings.guild_id, None))))
    assert rows == {guild for guild in ids if plan.owns(guild)} and 0 < len(rows) < len(ids)
    assert everything == set(ids)


def _run(tmp_path: Path, *args: str, database: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "run", *args],
        env={"DISCORD_TOKEN": "t", "READER_BOT_DATABASE_URL": database, "PATH": "/usr/bin:/bin",
             "READER_BOT_DISCORD_API_BASE": "http://127.0.0.1:1/api/v10"},
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )


def test_a_second_run_on_one_sqlite_file_is_refused_with_one_line(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    held = lock_sqlite(url)  # as a running `reader-bot run` holds it
    try:
        result = _run(tmp_path, database=url)
    finally:
        assert held is not None
        held.close()
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert "SQLite runs one bot process" in lines[0] and "PostgreSQL" in lines[0]


def test_shards_with_sqlite_are_refused_with_one_line(tmp_path: Path) -> None:
    result = _run(tmp_path, "--shard-ids", "0-1", "--shard-count", "4", database=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1 and "sharding needs PostgreSQL" in lines[0], result.stderr
    bad = _run(tmp_path, "--shard-ids", "5", "--shard-count", "4", database="postgresql+asyncpg://x@127.0.0.1:1/x")
    assert bad.returncode == 2 and "between 0 and shard_count - 1" in bad.stderr, bad.stderr


async def test_by_default_the_bot_runs_as_many_shards_as_discord_recommends_in_one_process(tmp_path: Path) -> None:
    """GET /gateway/bot says 3: the bot IDENTIFYs shards 0, 1 and 2 of 3 itself (discord.py's AutoShardedBot) and,
    holding them all, receives the guilds of every shard."""
    from bot.sandbox import Sandbox
    from e2e.harness import BlogServer, BotProcess, SandboxWorld, wait_until, write_bot_config

    sandbox = Sandbox()
    await sandbox.start()
    blog = BlogServer()
    await blog.start()
    sandbox.recommended_shards = 3
    world = SandboxWorld.create(sandbox)
    guilds = [world.guild]
    while len({shard_of(guild.id, 3) for guild in guilds}) < 3:  # guilds on all three shards
        await asyncio.sleep(0.0011)
        guild = sandbox.add_guild(f"Guild {len(guilds)}")
        sandbox.add_channel(guild, "articles")
        guilds.append(guild)
    config = write_bot_config(tmp_path, world, database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    config.write_text(config.read_text().replace('guild_ready_timeout = "0.1s"\n', 'guild_ready_timeout = "0.1s"\nidentify_delay = "0.1s"\n'))
    process = BotProcess(config, tmp_path / "bot.log")
    process.start()
    try:
        await wait_until(lambda: "reader_bot: ready:" in process.log_text(), 40, "the bot to be ready", interval=0.1)
        shards = sorted(tuple(record.shard) for record in sandbox.hub.identifies if record.accepted and record.shard)
        assert shards == [(0, 3), (1, 3), (2, 3)], shards
        assert f"ready: {len(guilds)} guilds on all shards" in process.log_text()
    finally:
        process.kill()
        await blog.stop()
        await sandbox.stop()


def test_the_sandbox_hands_out_guild_ids_on_the_shard_asked_for() -> None:
    """The scale test's guilds spread over the shards by construction, not by the clock (a CI run once put 3 on one)."""
    from bot.sandbox.state import SnowflakeGenerator

    generator = SnowflakeGenerator()
    ids = [generator.next_on_shard(index % 4, 4) for index in range(40)] + [generator.next()]
    assert [shard_of(value, 4) for value in ids[:40]] == [index % 4 for index in range(40)]
    assert ids == sorted(set(ids))  # unique and still increasing, plain ids after them included
