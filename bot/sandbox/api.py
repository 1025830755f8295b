"""`Sandbox`: the in-process API that tests and the demo use to build a Discord world and act in it.

    sandbox = Sandbox()
    urls = await sandbox.start()                     # free loopback port
    bot = sandbox.add_bot_user("token")
    guild = sandbox.add_guild("Readers")
    channel = sandbox.add_channel(guild, "articles")
    alice = sandbox.add_member(guild, "alice", locale="de")
    # ... start discord.py with Route.BASE = urls.api_base and DEFAULT_GATEWAY = urls.gateway_url ...
    handle = await sandbox.run_slash_command(alice, "feed add", {"url": ..., "channel": channel}, channel=channel)
    await handle.wait_response()
    sandbox.messages(channel)                        # what the channel shows

Everything runs on the caller's event loop. `python -m bot.sandbox` runs one in its own process, driven over
the HTTP control API (`bot.sandbox.remote.RemoteSandbox`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.sandbox.acting import MemberActionsMixin
from bot.sandbox.bot_accounts import BotAccount
from bot.sandbox.gateway import GatewayHub
from bot.sandbox.interactions import InteractionHandle
from bot.sandbox.message_state import Attachment, Message
from bot.sandbox.messaging import MessagingMixin
from bot.sandbox.polls import NativePollsMixin
from bot.sandbox.rate_limits import Fault, RateLimitConfig, RateLimiter
from bot.sandbox.state import Channel, Member, RecordedRequest, SandboxUsageError, StateIndex, User
from bot.sandbox.world import WorldMixin


@dataclass(frozen=True)
class SandboxURLs:
    """Where a discord.py client (and a remote test driver) reaches the sandbox."""

    base_url: str  # http://127.0.0.1:PORT
    api_base: str  # http://127.0.0.1:PORT/api/v10  -> discord.http.Route.BASE
    gateway_url: str  # ws://127.0.0.1:PORT/gw       -> DiscordWebSocket.DEFAULT_GATEWAY
    control_url: str  # http://127.0.0.1:PORT/_sandbox

    def as_dict(self) -> dict[str, str]:
        return {"base_url": self.base_url, "api_base": self.api_base, "gateway_url": self.gateway_url,
                "control_url": self.control_url}



__all__ = ["Sandbox", "SandboxURLs", "SandboxUsageError"]



class Sandbox(WorldMixin, MessagingMixin, MemberActionsMixin, NativePollsMixin):
    """A local Discord for tests and the offline demo. Not a server for production use."""

    def __init__(self, *, rate_limits: RateLimitConfig | None = None, heartbeat_interval_ms: int = 41250,
                 interaction_ack_timeout: float | None = 3.0, interaction_token_lifetime: float = 900.0,
                 nonce_window: float = 300.0, resume_timeout: float = 120.0, event_buffer: int = 100_000,
                 record_requests: bool = True) -> None:
        self.state = StateIndex()
        self.limiter = RateLimiter(rate_limits)
        self.hub = GatewayHub(heartbeat_interval_ms=heartbeat_interval_ms, buffer_size=event_buffer,
                              resume_timeout=resume_timeout)
        self.hub.ready_events = self._ready_events
        self.hub.member_chunk = self._member_chunks
        self.hub.find_bot = self.state.bots_by_token.get
        self.interaction_ack_timeout = interaction_ack_timeout
        self.interaction_token_lifetime = interaction_token_lifetime
        self.nonce_window = nonce_window
        self.recommended_shards = 1  # what GET /gateway/bot tells a bot to use (issue 14's tests raise it)
        self.record_requests = record_requests
        self.requests: list[RecordedRequest] = []
        self.faults: list[Fault] = []
        self.interactions: dict[int, InteractionHandle] = {}
        self._interactions_by_token: dict[str, InteractionHandle] = {}
        self._open_modals: dict[tuple[int, str], InteractionHandle] = {}
        self._attachments_by_id: dict[int, Attachment] = {}
        self.acknowledged_count = 0  # interactions the bot acknowledged so far (load drivers watch it)
        self._waiters: list[tuple[Callable[[], Any], asyncio.Future[Any]]] = []
        self._runner: web.AppRunner | None = None
        self._urls: SandboxURLs | None = None

    # -- lifecycle ---------------------------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> SandboxURLs:
        """Serve REST, gateway and control API on one port (0: a free one). Returns the URLs."""
        from bot.sandbox.server import build_app

        app = build_app(self)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port, reuse_address=True, backlog=4096)
        await site.start()
        server = site._server
        assert server is not None and server.sockets
        actual_port = server.sockets[0].getsockname()[1]
        base = f"http://{host}:{actual_port}"
        self._urls = SandboxURLs(base, f"{base}/api/v10", f"ws://{host}:{actual_port}/gw", f"{base}/_sandbox")
        self.hub.gateway_url = self._urls.gateway_url
        return self._urls

    async def stop(self) -> None:
        await self.hub.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Sandbox:
        if self._urls is None:
            await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def urls(self) -> SandboxURLs:
        if self._urls is None:
            raise RuntimeError("the sandbox is not started; await sandbox.start() first")
        return self._urls

    @property
    def api_base(self) -> str:
        return self.urls.api_base

    @property
    def gateway_url(self) -> str:
        return self.urls.gateway_url

    @property
    def control_url(self) -> str:
        return self.urls.control_url

    # -- faults ------------------------------------------------------------------------------------------------

    def inject_fault(self, status: int = 429, *, count: int | None = None, duration: float | None = None,
                     path_contains: str | None = None, method: str | None = None, retry_after: float = 1.0,
                     is_global: bool = False, include_interactions: bool = True) -> Fault:
        """Answer `status` (429 or 5xx) to the next `count` matching REST requests, or for `duration` seconds."""
        if count is None and duration is None:
            count = 1
        fault = Fault(status, count=count, until=time.monotonic() + duration if duration is not None else None,
                      path_contains=path_contains, method=method, retry_after=retry_after, is_global=is_global,
                      include_interactions=include_interactions)
        self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        self.faults.clear()

    def drop_gateway(self, bot: BotAccount | None = None, *, resumable: bool = True) -> int:
        """Cut the gateway connection(s) without a close frame; the client reconnects and RESUMEs (or, with
        resumable=False, finds its session gone and IDENTIFYs anew)."""
        return self.hub.drop_connections(bot.id if bot else None, resumable=resumable)

    async def request_reconnect(self, bot: BotAccount | None = None) -> int:
        """Send op 7 RECONNECT: the client closes and resumes."""
        return await self.hub.request_reconnect(bot.id if bot else None)

    async def invalidate_session(self, bot: BotAccount | None = None, *, resumable: bool = False) -> int:
        """Send op 9 INVALID_SESSION; with resumable=False the client must IDENTIFY again."""
        return await self.hub.invalidate_sessions(bot.id if bot else None, resumable=resumable)

    def set_rate_limit(self, bucket: str, limit: int | None, per: float = 1.0) -> None:
        """Change one bucket (see rate_limits.DEFAULT_BUCKETS), e.g. set_rate_limit("message.create", 1000, 1.0)."""
        self.limiter.config = self.limiter.config.with_bucket(bucket, limit, per)
        self.limiter.reset()

    def set_global_rate_limit(self, limit: int | None, per: float = 1.0) -> None:
        self.limiter.config.global_limit = limit
        self.limiter.config.global_per = per
        self.limiter.reset()

    # -- reading back ------------------------------------------------------------------------------------------

    def messages(self, channel: Channel, *, include_system: bool = True) -> list[Message]:
        """The channel's (or thread's) messages, oldest first, as members see them (no ephemeral ones)."""
        found = [self.state.messages[i] for i in channel.message_ids]
        if not include_system:
            found = [m for m in found if m.type in (0, 19, 20, 23)]
        return found

    def message(self, message_id: int | str) -> Message:
        return self.state.messages[int(message_id)]

    def channel(self, channel_id: int | str) -> Channel:
        return self.state.channels[int(channel_id)]

    def threads(self, channel: Channel) -> list[Channel]:
        assert channel.guild is not None
        return [c for c in channel.guild.channels.values() if c.is_thread and c.parent is channel]

    def thread_of(self, message: Message) -> Channel | None:
        return message.thread

    def dm_messages(self, user: Member | User, bot: BotAccount | None = None) -> list[Message]:
        bot = bot or self.default_bot()
        user = user.user if isinstance(user, Member) else user
        channel = self.state.dm_channels.get((bot.id, user.id))
        return self.messages(channel) if channel is not None else []

    def requests_matching(self, method: str | None = None, path_contains: str | None = None, *,
                          status: int | None = None) -> list[RecordedRequest]:
        return [r for r in self.requests if (method is None or r.method == method)
                and (path_contains is None or path_contains in r.path) and (status is None or r.status == status)]

    @property
    def rate_limit_rejections(self) -> list[tuple[float, str, str, bool]]:
        """Every 429 the limiter gave: (monotonic time, bucket, major parameter, global)."""
        return self.limiter.rejections

    def is_connected(self, bot: BotAccount | None = None) -> bool:
        return self.hub.is_connected((bot or self.default_bot()).id)

    async def wait_for_connection(self, bot: BotAccount | None = None, timeout: float = 10.0) -> None:
        """Until the bot has a live, identified gateway session."""
        await self.hub.wait_connected((bot or self.default_bot()).id, timeout)

    def record(self, request: RecordedRequest) -> None:
        if self.record_requests:
            self.requests.append(request)

    # -- waiting -----------------------------------------------------------------------------------------------

    def _changed(self) -> None:
        if not self._waiters:
            return
        for entry in list(self._waiters):
            predicate, future = entry
            if future.done():
                continue
            try:
                result = predicate()
            except Exception as exc:  # a broken predicate should fail the test that wrote it
                future.set_exception(exc)
                continue
            if result:
                future.set_result(result)

    async def wait_until(self, predicate: Callable[[], Any], timeout: float = 5.0, what: str = "condition") -> Any:
        """Until predicate() is truthy (checked whenever the sandbox's state changes). Returns its value."""
        result = predicate()
        if result:
            return result
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        entry = (predicate, future)
        self._waiters.append(entry)
        try:
            return await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(f"no {what} within {timeout}s") from None
        finally:
            self._waiters.remove(entry)

    async def wait_for_message(self, channel: Channel, predicate: Callable[[Message], bool] | None = None,
                               timeout: float = 5.0, *, count: int = 1) -> Message:
        """Until the channel has `count` messages matching predicate; returns the last one of them."""
        def check() -> Message | None:
            matching = [m for m in self.messages(channel) if predicate is None or predicate(m)]
            return matching[count - 1] if len(matching) >= count else None

        return await self.wait_until(check, timeout, f"message in {channel!r}")

    def interaction_changed(self, handle: InteractionHandle) -> None:
        """Called whenever the bot answered or changed an interaction's result."""
        if handle.acked_at is not None and not handle.counted:
            handle.counted = True
            self.acknowledged_count += 1
        handle.notify()
        self._changed()
