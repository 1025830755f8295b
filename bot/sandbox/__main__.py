"""`python -m bot.sandbox`: run a sandbox in its own process and print its URLs as one JSON line.

    python -m bot.sandbox --port 0 --token TOKEN [--guild NAME] [--channel NAME] [--raise-limits]

The first stdout line is {"base_url", "api_base", "gateway_url", "control_url", "bots", "guilds", "channels"}; drive it
with bot.sandbox.remote.RemoteSandbox. SIGTERM or SIGINT stops it. A test and demo tool, not a production server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys

from bot.sandbox.api import Sandbox
from bot.sandbox.control import to_json


async def _serve(args: argparse.Namespace) -> int:
    sandbox = Sandbox(interaction_ack_timeout=args.ack_timeout if args.ack_timeout > 0 else None)
    if args.raise_limits:
        for bucket in list(sandbox.limiter.config.buckets):
            if sandbox.limiter.config.buckets[bucket].limit is not None:
                sandbox.set_rate_limit(bucket, 1_000_000, 1.0)
        sandbox.set_global_rate_limit(None)
    urls = await sandbox.start(args.host, args.port)
    bots = [sandbox.add_bot_user(token, privileged_intents=args.privileged_intents) for token in args.token]
    guilds = []
    channels = []
    for name in args.guild:
        guild = sandbox.add_guild(name)
        guilds.append(guild)
        for channel_name in args.channel:
            channels.append(sandbox.add_channel(guild, channel_name))
    print(json.dumps(dict(urls.as_dict(), bots=to_json(bots), guilds=to_json(guilds), channels=to_json(channels))),
          flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(signum, stop.set)
        except NotImplementedError:  # pragma: no cover - Windows
            pass
    await stop.wait()
    await sandbox.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.sandbox", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", action="append", default=[], help="create a bot user with this token")
    parser.add_argument("--privileged-intents", type=int, default=0,
                        help="privileged intents enabled for the bots (members 2, presences 256, message content 32768)")
    parser.add_argument("--guild", action="append", default=[], help="create a guild with this name")
    parser.add_argument("--channel", action="append", default=[], help="create this text channel in each guild")
    parser.add_argument("--raise-limits", action="store_true", help="lift per-route and global rate limits")
    parser.add_argument("--ack-timeout", type=float, default=3.0,
                        help="seconds a bot has to acknowledge an interaction (0: no limit)")
    args = parser.parse_args(argv)
    return asyncio.run(_serve(args))


if __name__ == "__main__":
    sys.exit(main())
