"""The gateway: HELLO, heartbeats, IDENTIFY/READY, RESUME with replay, RECONNECT and INVALID_SESSION.

Frames are uncompressed JSON text (discord.py asks for zlib-stream in the URL but reads text frames as they
come). Every dispatch gets the session's next sequence number and is kept in a bounded buffer, so a client
that lost its connection can RESUME and receive what it missed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from bot.sandbox.bot_accounts import BotAccount
    from bot.sandbox.state import IdentifyRecord

_log = logging.getLogger(__name__)

OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE_UPDATE = 3
OP_VOICE_STATE_UPDATE = 4
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_GUILD_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT
ALL_INTENTS = (1 << 26) - 1 | (1 << 16) | (1 << 20) | (1 << 21) | (1 << 24) | (1 << 25)

CLOSE_UNKNOWN_ERROR = 4000
CLOSE_DECODE_ERROR = 4002
CLOSE_NOT_AUTHENTICATED = 4003
CLOSE_AUTHENTICATION_FAILED = 4004
CLOSE_ALREADY_AUTHENTICATED = 4005
CLOSE_INVALID_SHARD = 4010
CLOSE_INVALID_INTENTS = 4013
CLOSE_DISALLOWED_INTENTS = 4014

_dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
try:  # orjson, when installed, makes large event bursts cheaper; the frames are identical JSON either way.
    import orjson

    def _dumps(obj: Any) -> str:  # type: ignore[no-redef]
        return orjson.dumps(obj).decode()
except ImportError:  # pragma: no cover - depends on the environment
    pass

dumps = _dumps


class GatewayConnection:
    """One websocket. Frames go through a queue so dispatch stays synchronous and ordered."""

    def __init__(self, ws: web.WebSocketResponse, request: web.Request) -> None:
        self.ws = ws
        self.request = request
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.session: GatewaySession | None = None
        self.closed = False
        self.writer: asyncio.Task[None] | None = None
        self.frames_sent = 0
        self.heartbeats = 0

    def send(self, frame: str) -> None:
        if not self.closed:
            self.queue.put_nowait(frame)

    async def write_loop(self) -> None:
        ws = self.ws
        queue = self.queue
        try:
            while True:
                frame = await queue.get()
                if frame is None:
                    return
                await ws.send_str(frame)
                self.frames_sent += 1
        except (ConnectionResetError, RuntimeError, asyncio.CancelledError):
            return
        except Exception:  # pragma: no cover - a broken socket: the reader notices and cleans up
            _log.debug("gateway writer stopped", exc_info=True)

    def abort(self) -> None:
        """Drop the TCP connection without a close frame, like a network failure."""
        self.closed = True
        transport = self.request.transport
        if transport is not None:
            transport.abort()
        self.queue.put_nowait(None)

    async def close(self, code: int, message: str = "") -> None:
        self.closed = True
        self.queue.put_nowait(None)
        if self.writer is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self.writer), timeout=2.0)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                pass
        try:
            await self.ws.close(code=code, message=message.encode())
        except Exception:  # pragma: no cover
            pass


class GatewaySession:
    """A session survives its connection: events keep buffering until it resumes or expires."""

    def __init__(self, bot: BotAccount, intents: int, shard: tuple[int, int] | None, buffer_size: int) -> None:
        self.id = secrets.token_hex(16)
        self.bot = bot
        self.intents = intents
        self.shard = shard
        self.seq = 0
        self.buffer: deque[tuple[int, str]] = deque(maxlen=buffer_size)
        self.connection: GatewayConnection | None = None
        self.disconnected_at: float | None = None
        self.identified_at = time.monotonic()
        self.invalid = False
        self.resumes = 0
        self.dispatched = 0

    @property
    def connected(self) -> bool:
        return self.connection is not None and not self.connection.closed

    def wants_guild(self, guild_id: int | None) -> bool:
        if guild_id is None or self.shard is None:
            return True
        shard_id, shard_count = self.shard
        return (guild_id >> 22) % shard_count == shard_id

    def dispatch(self, event: str, data_json: str) -> int:
        self.seq += 1
        seq = self.seq
        frame = f'{{"op":0,"t":"{event}","s":{seq},"d":{data_json}}}'
        self.buffer.append((seq, frame))
        self.dispatched += 1
        connection = self.connection
        if connection is not None and not connection.closed:
            connection.send(frame)
        return seq

    def replay_after(self, seq: int) -> list[str] | None:
        """Frames after `seq`, or None when the buffer no longer reaches back that far."""
        buffer = self.buffer
        if seq > self.seq:
            return None
        if not buffer:
            return []
        first_seq = buffer[0][0]
        if seq < first_seq - 1:
            return None
        return [frame for frame_seq, frame in buffer if frame_seq > seq]


class GatewayHub:
    """All sessions of all bots; routes events to them and serves the /gw websocket."""

    def __init__(self, *, heartbeat_interval_ms: int = 41250, buffer_size: int = 100_000,
                 resume_timeout: float = 120.0) -> None:
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.buffer_size = buffer_size
        self.resume_timeout = resume_timeout
        self.sessions: dict[str, GatewaySession] = {}
        self.sessions_by_bot: dict[int, list[GatewaySession]] = {}
        self.connections: set[GatewayConnection] = set()
        self.identifies: list[IdentifyRecord] = []
        self.resumes: list[tuple[float, str, int, bool]] = []  # (time, session id, seq, accepted)
        self.gateway_url = ""
        # Set by the server: (bot) -> list of (event, data) making up READY and the GUILD_CREATEs.
        self.ready_events: Callable[[GatewaySession], list[tuple[str, Any]]] | None = None
        self.member_chunk: Callable[[GatewaySession, dict[str, Any]], list[dict[str, Any]]] | None = None
        self.find_bot: Callable[[str], BotAccount | None] | None = None
        self._session_waiters: list[tuple[Callable[[], bool], asyncio.Future[None]]] = []

    # -- routing --------------------------------------------------------------------------------------------

    def _live_sessions(self, bot_id: int) -> list[GatewaySession]:
        sessions = self.sessions_by_bot.get(bot_id)
        if not sessions:
            return []
        now = time.monotonic()
        expired = [s for s in sessions if s.invalid or (
            s.disconnected_at is not None and now - s.disconnected_at > self.resume_timeout)]
        for session in expired:
            self._forget(session)
        return self.sessions_by_bot.get(bot_id, [])

    def _forget(self, session: GatewaySession) -> None:
        session.invalid = True
        self.sessions.pop(session.id, None)
        sessions = self.sessions_by_bot.get(session.bot.id)
        if sessions and session in sessions:
            sessions.remove(session)

    def dispatch(self, bot_id: int, event: str, data: Any, *, guild_id: int | None = None,
                 intent: int = 0, single: bool = False, transform: Callable[[GatewaySession], Any] | None = None,
                 encoded: str | None = None) -> int:
        """Send an event to the bot's sessions that follow the guild and have the intent. Returns how many.

        `encoded` is the event data already as JSON (hot paths splice cached parts together)."""
        sessions = self._live_sessions(bot_id)
        if not sessions:
            return 0
        targets = [s for s in sessions if s.wants_guild(guild_id) and (not intent or s.intents & intent)]
        if single and len(targets) > 1:
            # Interactions go to one session: the newest connected one, else the newest resumable one.
            connected = [s for s in targets if s.connected]
            targets = [max(connected or targets, key=lambda s: s.identified_at)]
        for session in targets:
            if transform is not None:
                session.dispatch(event, dumps(transform(session)))
            else:
                if encoded is None:
                    encoded = dumps(data)
                session.dispatch(event, encoded)
        return len(targets)

    def bot_sessions(self, bot_id: int) -> list[GatewaySession]:
        return list(self._live_sessions(bot_id))

    def is_connected(self, bot_id: int) -> bool:
        return any(s.connected for s in self._live_sessions(bot_id))

    async def wait_connected(self, bot_id: int, timeout: float = 10.0) -> None:
        await self.wait_until(lambda: self.is_connected(bot_id), timeout)

    async def wait_until(self, predicate: Callable[[], bool], timeout: float) -> None:
        if predicate():
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (predicate, future)
        self._session_waiters.append(entry)
        try:
            await asyncio.wait_for(future, timeout)
        finally:
            if entry in self._session_waiters:
                self._session_waiters.remove(entry)

    def _notify(self) -> None:
        for predicate, future in list(self._session_waiters):
            if not future.done() and predicate():
                future.set_result(None)

    # -- faults ---------------------------------------------------------------------------------------------

    def drop_connections(self, bot_id: int | None = None, *, resumable: bool = True) -> int:
        """Cut connections like a network failure; with resumable=False the sessions are forgotten too."""
        count = 0
        for connection in list(self.connections):
            session = connection.session
            if bot_id is not None and (session is None or session.bot.id != bot_id):
                continue
            connection.abort()
            count += 1
            if session is not None:
                if session.connection is connection:
                    session.connection = None
                    session.disconnected_at = time.monotonic()
                if not resumable:
                    self._forget(session)
        if not resumable:
            for session in list(self.sessions.values()):
                if bot_id is None or session.bot.id == bot_id:
                    self._forget(session)
        self._notify()
        return count

    async def send_op(self, op: int, data: Any, bot_id: int | None = None) -> int:
        frame = dumps({"op": op, "d": data})
        count = 0
        for connection in list(self.connections):
            session = connection.session
            if bot_id is not None and (session is None or session.bot.id != bot_id):
                continue
            connection.send(frame)
            count += 1
        return count

    async def request_reconnect(self, bot_id: int | None = None) -> int:
        """Op 7: the client closes and resumes."""
        return await self.send_op(OP_RECONNECT, None, bot_id)

    async def invalidate_sessions(self, bot_id: int | None = None, *, resumable: bool = False) -> int:
        """Op 9: with resumable=False the client must IDENTIFY again (a new session, nothing replayed)."""
        count = 0
        for connection in list(self.connections):
            session = connection.session
            if session is None or (bot_id is not None and session.bot.id != bot_id):
                continue
            connection.send(dumps({"op": OP_INVALID_SESSION, "d": resumable}))
            count += 1
            if not resumable:
                self._forget(session)
        return count

    async def close_all(self) -> None:
        for connection in list(self.connections):
            await connection.close(1001, "sandbox stopping")

    # -- websocket --------------------------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=4 * 1024 * 1024, compress=False, autoping=True)
        await ws.prepare(request)
        connection = GatewayConnection(ws, request)
        self.connections.add(connection)
        connection.writer = asyncio.create_task(connection.write_loop())
        connection.send(dumps({"op": OP_HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms},
                               "s": None, "t": None}))
        try:
            async for message in ws:
                if message.type is WSMsgType.TEXT:
                    await self._received(connection, message.data)
                elif message.type is WSMsgType.BINARY:
                    await connection.close(CLOSE_DECODE_ERROR, "Error while decoding payload.")
                    break
                elif message.type in (WSMsgType.ERROR, WSMsgType.CLOSE):
                    break
                if connection.closed:
                    break
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            connection.closed = True
            connection.queue.put_nowait(None)
            self.connections.discard(connection)
            session = connection.session
            if session is not None and session.connection is connection:
                session.connection = None
                session.disconnected_at = time.monotonic()
            self._notify()
        return ws

    async def _received(self, connection: GatewayConnection, text: str) -> None:
        try:
            payload = json.loads(text)
            op = payload["op"]
            data = payload.get("d")
        except (ValueError, KeyError, TypeError):
            await connection.close(CLOSE_DECODE_ERROR, "Error while decoding payload.")
            return
        if op == OP_HEARTBEAT:
            connection.heartbeats += 1
            connection.send('{"op":11,"d":null,"s":null,"t":null}')
        elif op == OP_IDENTIFY:
            await self._identify(connection, data or {})
        elif op == OP_RESUME:
            await self._resume(connection, data or {})
        elif op == OP_REQUEST_GUILD_MEMBERS:
            if connection.session is None:
                await connection.close(CLOSE_NOT_AUTHENTICATED, "Not authenticated.")
                return
            if self.member_chunk is not None:
                for chunk in self.member_chunk(connection.session, data or {}):
                    connection.session.dispatch("GUILD_MEMBERS_CHUNK", dumps(chunk))
        elif op in (OP_PRESENCE_UPDATE, OP_VOICE_STATE_UPDATE):
            if connection.session is None:
                await connection.close(CLOSE_NOT_AUTHENTICATED, "Not authenticated.")
        else:
            await connection.close(CLOSE_UNKNOWN_ERROR, "Unknown opcode.")

    async def _identify(self, connection: GatewayConnection, data: dict[str, Any]) -> None:
        from bot.sandbox.state import IdentifyRecord

        now = time.monotonic()
        if connection.session is not None:
            await connection.close(CLOSE_ALREADY_AUTHENTICATED, "Already authenticated.")
            return
        token = data.get("token")
        bot = self.find_bot(token) if (self.find_bot and isinstance(token, str)) else None
        intents = data.get("intents")
        shard = data.get("shard")
        record = IdentifyRecord(bot.id if bot else None, intents if isinstance(intents, int) else -1, shard, now,
                                accepted=False)
        self.identifies.append(record)
        if bot is None:
            record.close_code = CLOSE_AUTHENTICATION_FAILED
            await connection.close(CLOSE_AUTHENTICATION_FAILED, "Authentication failed.")
            return
        if not isinstance(intents, int) or isinstance(intents, bool) or intents < 0 or intents & ~ALL_INTENTS:
            record.close_code = CLOSE_INVALID_INTENTS
            await connection.close(CLOSE_INVALID_INTENTS, "Invalid intent(s).")
            return
        if intents & PRIVILEGED_INTENTS & ~bot.privileged_intents:
            record.close_code = CLOSE_DISALLOWED_INTENTS
            await connection.close(CLOSE_DISALLOWED_INTENTS, "Disallowed intent(s).")
            return
        shard_pair: tuple[int, int] | None = None
        if shard is not None:
            if (not isinstance(shard, list) or len(shard) != 2 or not all(isinstance(x, int) for x in shard)
                    or shard[1] < 1 or not 0 <= shard[0] < shard[1]):
                record.close_code = CLOSE_INVALID_SHARD
                await connection.close(CLOSE_INVALID_SHARD, "Invalid shard.")
                return
            shard_pair = (shard[0], shard[1])
        record.accepted = True
        self._live_sessions(bot.id)  # drop expired sessions of this bot
        session = GatewaySession(bot, intents, shard_pair, self.buffer_size)
        session.connection = connection
        connection.session = session
        self.sessions[session.id] = session
        self.sessions_by_bot.setdefault(bot.id, []).append(session)
        assert self.ready_events is not None
        for event, event_data in self.ready_events(session):
            session.dispatch(event, dumps(event_data))
        self._notify()

    async def _resume(self, connection: GatewayConnection, data: dict[str, Any]) -> None:
        now = time.monotonic()
        session_id = data.get("session_id")
        seq = data.get("seq")
        token = data.get("token")
        session = self.sessions.get(session_id) if isinstance(session_id, str) else None
        if session is not None and (session.invalid or (
                session.disconnected_at is not None and now - session.disconnected_at > self.resume_timeout)):
            self._forget(session)
            session = None
        replay = None
        if session is not None and token == session.bot.token and isinstance(seq, int):
            replay = session.replay_after(seq)
        if session is None or replay is None:
            self.resumes.append((now, str(session_id), seq if isinstance(seq, int) else -1, False))
            connection.send(dumps({"op": OP_INVALID_SESSION, "d": False, "s": None, "t": None}))
            return
        self.resumes.append((now, session.id, seq, True))
        old = session.connection
        if old is not None and old is not connection:
            old.abort()
        session.connection = connection
        session.disconnected_at = None
        session.resumes += 1
        connection.session = session
        for frame in replay:
            connection.send(frame)
        session.dispatch("RESUMED", "{}")
        self._notify()
