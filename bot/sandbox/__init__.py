"""A local Discord for tests and the offline demo: Discord's REST API v10 and gateway on loopback.

An unmodified discord.py client connects to it with its real network code (point `discord.http.Route.BASE`
at `api_base` and `DiscordWebSocket.DEFAULT_GATEWAY` at `gateway_url`). It holds guilds, channels, threads,
roles, members, messages and application commands; members run slash commands, click buttons, pick from select
menus and submit modals; it validates payloads against Discord's limits (400, code 50035), checks channel
permissions (403, code 50013), applies per-route and global rate limits with real X-RateLimit-* headers (429),
and can inject faults (429/5xx storms, dropped gateway connections, invalidated sessions).

It is a test and demo tool: no TLS, no persistence, no real authentication beyond matching bot tokens,
everything in memory. Never expose it as a server for production use.

Modules: api (the `Sandbox` class), server (REST routes), gateway (websocket sessions), state, message_state and
bot_accounts (entities), limits and command_limits (Discord's rules), rate_limits (rate limits and injected faults),
permissions, interactions (`InteractionHandle`), control and remote (driving a sandbox in another process;
`python -m bot.sandbox` runs one).
"""

from bot.sandbox.api import Sandbox, SandboxURLs, SandboxUsageError
from bot.sandbox.bot_accounts import BotAccount
from bot.sandbox.interactions import InteractionHandle
from bot.sandbox.message_state import Message
from bot.sandbox.rate_limits import Bucket, RateLimitConfig
from bot.sandbox.remote import RemoteSandbox
from bot.sandbox.state import Channel, Guild, Member, RecordedRequest, Role, User

__all__ = [
    "BotAccount",
    "Bucket",
    "Channel",
    "Guild",
    "InteractionHandle",
    "Member",
    "Message",
    "RateLimitConfig",
    "RecordedRequest",
    "RemoteSandbox",
    "Role",
    "Sandbox",
    "SandboxURLs",
    "SandboxUsageError",
    "User",
]
