"""Settings: one typed object, read from TOML plus environment, built once at start-up and passed in.

Nothing here is global: every entry point calls `load_settings` and hands the result down.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

DEFAULT_CONFIG_PATH = Path("config.toml")

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, None: 1}


class ConfigError(Exception):
    """A configuration problem worth one line to the operator: file, key, and what is wrong."""


def parse_duration(value: str | int | float) -> float:
    """Seconds from "2s", "5m", "1h", "7d" (or a bare number of seconds)."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as \"30s\", \"10m\", \"1h\" or \"7d\"")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _DURATION.match(value)
        if not match:
            raise ValueError(f"{value!r} is not a duration such as \"30s\", \"10m\", \"1h\" or \"7d\"")
        seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds <= 0:
        raise ValueError("a duration must be greater than zero")
    return seconds


def format_duration(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


@dataclass(frozen=True)
class DiscordSettings:
    token: str | None = field(default=None, metadata={"doc": "bot token", "secret": True})
    api_base: str = "https://discord.com/api/v10"
    gateway_url: str = "wss://gateway.discord.gg"
    # How long to wait after the last guild arrives before the bot counts as ready (discord.py's default);
    # tests against the sandbox set it short.
    guild_ready_timeout: float = field(default=2.0, metadata={"duration": True})
    # Sharding (issue 14): the total number of shards over all processes (unset: as many as Discord recommends,
    # all in this process) and the ones this process holds ("0-3", "0,2,5"; unset: all). PostgreSQL only.
    shard_count: int | None = None
    shard_ids: str | None = None
    # Wait between two shards' IDENTIFYs (Discord allows one per 5 s per max_concurrency bucket).
    identify_delay: float = field(default=5.0, metadata={"duration": True})


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = "sqlite+aiosqlite:///reader-bot.db"


@dataclass(frozen=True)
class FeedSettings:
    poll_interval: float = field(default=600.0, metadata={"duration": True})
    timeout: float = field(default=20.0, metadata={"duration": True})
    max_bytes: int = 5_000_000
    user_agent: str = "reader-bot/0.1 (+https://github.com/reader-bot/reader-bot)"
    allow_private_addresses: bool = False
    # A feed answering 404/410 or unparseable this long is paused with a notice (issue 12).
    give_up_after: float = field(default=7 * 86400.0, metadata={"duration": True})
    # How long a process holds a feed it is fetching before another process may take it over (issue 14).
    lease_seconds: float = field(default=120.0, metadata={"duration": True})


@dataclass(frozen=True)
class PollSettings:
    duration: float = field(default=7 * 86400.0, metadata={"duration": True})
    anonymous: bool = True
    review_timeout: float = field(default=86400.0, metadata={"duration": True})
    # "buttons": the bot's own poll message; "native": Discord's own poll on the message (yes/no and choice polls).
    style: str = field(default="buttons", metadata={"choices": ("buttons", "native")})
    max_per_article: int = 3  # at most this many polls per article: the most confident, in article order


@dataclass(frozen=True)
class RuntimeSettings:
    # A WARNING naming what blocked the event loop whenever it is blocked longer than loop_block_warning
    # (bot/loop_watchdog.py); cheap enough to keep on in production.
    loop_watchdog: bool = True
    loop_block_warning: float = field(default=0.020, metadata={"duration": True})
    # Keep-alive connections to Discord's REST host opened before the gateway connects, so that the first burst of
    # answers after a start does not open one connection each (unauthenticated GET /gateway; 0 turns it off).
    warm_http_connections: int = 32
    # The periodic background rounds (feed poll, review sweep, closing check, summaries) begin at random moments
    # within this long after READY, not all at once on the first clicks after a restart (bot/cogs/startup.py).
    background_start_spread: float = field(default=2.0, metadata={"duration": True})
    # Votes are stored by a process of the bot's own, so that a busy bot's event loop waits for one message per
    # batch of clicks instead of doing the writing itself (bot/polls/writer_process.py).
    vote_writer_process: bool = True


@dataclass(frozen=True)
class DataSettings:
    # A guild that removed the bot keeps its data this long, in case the bot is added back (issue 12).
    retention_after_removal: float = field(default=30 * 86400.0, metadata={"duration": True})


@dataclass(frozen=True)
class WebSettings:
    """Report pages, the blog widget, /healthz and /metrics (bot/web/); off unless `listen` is set."""

    listen: str | None = None  # "127.0.0.1:8080"; port 0 picks a free port
    public_url: str | None = None  # what links start with; default http://<listen>
    secret: str | None = field(default=None, metadata={"doc": "signs report links", "secret": True})

    @property
    def enabled(self) -> bool:
        return bool(self.listen)


@dataclass(frozen=True)
class Settings:
    discord: DiscordSettings = field(default_factory=DiscordSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    feeds: FeedSettings = field(default_factory=FeedSettings)
    polls: PollSettings = field(default_factory=PollSettings)
    runtime: RuntimeSettings = field(default_factory=RuntimeSettings)
    data: DataSettings = field(default_factory=DataSettings)
    web: WebSettings = field(default_factory=WebSettings)
    source: str = "defaults"

    def with_private_addresses(self) -> Settings:
        return replace(self, feeds=replace(self.feeds, allow_private_addresses=True))


_SECTIONS: dict[str, type] = {
    "discord": DiscordSettings,
    "database": DatabaseSettings,
    "feeds": FeedSettings,
    "polls": PollSettings,
    "runtime": RuntimeSettings,
    "data": DataSettings,
    "web": WebSettings,
}

# Environment variables that override a key: (section, key).
ENVIRONMENT_OVERRIDES: dict[str, tuple[str, str]] = {
    "DISCORD_TOKEN": ("discord", "token"),
    "READER_BOT_DISCORD_API_BASE": ("discord", "api_base"),
    "READER_BOT_DISCORD_GATEWAY_URL": ("discord", "gateway_url"),
    "READER_BOT_DATABASE_URL": ("database", "url"),
    "READER_BOT_POLL_INTERVAL": ("feeds", "poll_interval"),
    "READER_BOT_ALLOW_PRIVATE_ADDRESSES": ("feeds", "allow_private_addresses"),
    "READER_BOT_POLL_DURATION": ("polls", "duration"),
    "READER_BOT_WEB_LISTEN": ("web", "listen"),
    "READER_BOT_WEB_PUBLIC_URL": ("web", "public_url"),
    "READER_BOT_WEB_SECRET": ("web", "secret"),
    "READER_BOT_SHARD_COUNT": ("discord", "shard_count"),
    "READER_BOT_SHARD_IDS": ("discord", "shard_ids"),
}

WEB_SECRET_MIN_LENGTH = 16


def _check_web(origin: str, web: dict[str, Any]) -> None:
    """A listening web server needs a usable address and a secret to sign report links with."""
    listen = web.get("listen")
    if not listen:
        return
    host, _, port = str(listen).rpartition(":")
    if not host or not port.isdigit() or int(port) > 65535:
        raise ConfigError(f"{origin}: web.listen: expected host:port such as \"127.0.0.1:8080\", got {listen!r}")
    public_url = web.get("public_url")
    if public_url and not str(public_url).startswith(("http://", "https://")):
        raise ConfigError(f"{origin}: web.public_url: expected an http:// or https:// address, got {public_url!r}")
    if len((web.get("secret") or "").strip()) < WEB_SECRET_MIN_LENGTH:
        raise ConfigError(
            f"{origin}: web.secret: needed when web.listen is set, at least {WEB_SECRET_MIN_LENGTH} characters "
            "(set READER_BOT_WEB_SECRET, e.g. to the output of `openssl rand -base64 32`)"
        )


def _coerce(origin: str, key: str, spec: Any, raw: Any, from_env: bool) -> Any:
    kind = spec.type
    try:
        if spec.metadata.get("duration"):
            return parse_duration(raw)
        if kind in ("bool", bool):
            if isinstance(raw, bool):
                return raw
            if from_env and isinstance(raw, str) and raw.strip().lower() in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
                return raw.strip().lower() in {"1", "true", "yes", "on"}
            raise ValueError("expected true or false")
        if kind in ("int", int, "int | None"):
            if from_env and isinstance(raw, str) and raw.strip().isdigit():
                return int(raw)
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise ValueError("expected a whole number")
            if raw <= 0:
                raise ValueError("must be greater than zero")
            return raw
        choices = spec.metadata.get("choices")
        if choices and raw not in choices:
            raise ValueError(f"expected one of {', '.join(repr(c) for c in choices)}, got {raw!r}")
        if isinstance(raw, str):
            return raw
        raise ValueError(f"expected a string, got {type(raw).__name__}")
    except ValueError as exc:
        raise ConfigError(f"{origin}: {key}: {exc}") from None


def load_settings(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Build settings from `path` (or ./config.toml when it exists) and environment overrides.

    Raises ConfigError with a one-line message naming the file, the key and the problem.
    """
    environ = os.environ if environ is None else environ
    data: dict[str, Any] = {}
    origin = "defaults"
    if path is None and DEFAULT_CONFIG_PATH.is_file():
        path = DEFAULT_CONFIG_PATH
    if path is not None:
        origin = str(path)
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{origin}: cannot read the file: it does not exist") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{origin}: cannot read the file: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{origin}: not valid TOML: {exc}") from None

    sections: dict[str, dict[str, Any]] = {name: {} for name in _SECTIONS}
    for name, value in data.items():
        if name not in _SECTIONS:
            raise ConfigError(f"{origin}: [{name}]: unknown section (known: {', '.join(_SECTIONS)})")
        if not isinstance(value, dict):
            raise ConfigError(f"{origin}: {name}: expected a [{name}] table")
        specs = {f.name: f for f in fields(_SECTIONS[name])}
        for key, raw in value.items():
            if key not in specs:
                raise ConfigError(f"{origin}: {name}.{key}: unknown key (known: {', '.join(specs)})")
            sections[name][key] = _coerce(origin, f"{name}.{key}", specs[key], raw, from_env=False)

    for variable, (name, key) in ENVIRONMENT_OVERRIDES.items():
        raw = environ.get(variable)
        if raw is None or raw == "":
            continue
        spec = {f.name: f for f in fields(_SECTIONS[name])}[key]
        sections[name][key] = _coerce(f"environment {variable}", f"{name}.{key}", spec, raw, from_env=True)

    _check_web(origin, sections["web"])
    return Settings(
        discord=DiscordSettings(**sections["discord"]),
        database=DatabaseSettings(**sections["database"]),
        feeds=FeedSettings(**sections["feeds"]),
        polls=PollSettings(**sections["polls"]),
        runtime=RuntimeSettings(**sections["runtime"]),
        data=DataSettings(**sections["data"]),
        web=WebSettings(**sections["web"]),
        source=origin,
    )
