"""The bare bots of the vote benchmark (benchmarks/votes.py starts each in its own process):

    python benchmarks/bare_bot.py API_BASE GATEWAY_URL listener|dynamic TOKEN [watch]

They answer every button click with an ephemeral message and store nothing, so that the benchmark can show what
reader-bot's own work on a vote costs. With `watch` (votes.py --watch-bare-bots) a bare bot runs reader-bot's loop
watchdog too and prints its summary when stopped with SIGTERM: how often a bot that does nothing but answer blocks
its loop for more than 20 ms at the same load (the watchdog's own cost then slows it a little).
"""

from __future__ import annotations

import sys


def run_bare_bot(api_base: str, gateway_url: str, style: str, token: str, watch: str = "") -> int:
    """A discord.py bot that answers every button click with an ephemeral message and stores nothing.

    style "listener": an `on_interaction` listener (the least discord.py does for a click);
    style "dynamic": a `discord.ui.DynamicItem` on the same custom ids as reader-bot's buttons (the same
    discord.py machinery reader-bot uses, so the difference to reader-bot is the storing of votes).
    """
    import re

    import discord
    import yarl

    discord.http.Route.BASE = api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    intents = discord.Intents.none()
    intents.guilds = True
    client = discord.Client(intents=intents, guild_ready_timeout=0.05, max_messages=None, chunk_guilds_at_startup=False)

    if style == "dynamic":
        class AckButton(discord.ui.DynamicItem[discord.ui.Button], template=re.compile(r"rb:vote:(?P<rest>.*)")):
            def __init__(self, custom_id: str) -> None:
                super().__init__(discord.ui.Button(custom_id=custom_id))

            @classmethod
            async def from_custom_id(cls, interaction, item, match, /):  # type: ignore[no-untyped-def]
                return cls(match.string)

            async def callback(self, interaction: discord.Interaction) -> None:
                await interaction.response.send_message("Your click is noted.", ephemeral=True)

        @client.event
        async def setup_hook() -> None:
            client.add_dynamic_items(AckButton)
    else:
        @client.event
        async def on_interaction(interaction: discord.Interaction) -> None:
            if interaction.type == discord.InteractionType.component:
                await interaction.response.send_message("Your click is noted.", ephemeral=True)

    if watch == "watch":
        _watch_loop(client)
    client.run(token, log_handler=None)
    return 0


def _watch_loop(client: object) -> None:
    """reader-bot's loop watchdog in this bot; its summary in the line votes.py reads from reader-bot's logs."""
    import logging
    import os
    import signal

    from bot.loop_watchdog import LoopWatchdog

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    watchdog = LoopWatchdog()
    setup_hook = client.setup_hook  # type: ignore[attr-defined]

    async def start_watching() -> None:
        watchdog.start()
        await setup_hook()

    def stop(*_: object) -> None:
        print(f"event loop summary: {watchdog.summary()}", flush=True)
        os._exit(0)

    client.setup_hook = start_watching  # type: ignore[attr-defined]
    signal.signal(signal.SIGTERM, stop)


if __name__ == "__main__":
    sys.exit(run_bare_bot(*sys.argv[1:]))
