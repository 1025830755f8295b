"""What a channel or thread in the sandbox looks like, as plain text for a terminal.

Messages show their author, text, embeds (title, link, author, description, fields, footer, image), buttons
(`[Ja] [Nein]`, struck through when disabled), attachments and the thread hanging off them. Discord's
timestamp markup (`<t:1727683200:R>`) becomes a readable UTC time, the way a client would render it.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from bot.sandbox import Channel, Message, Sandbox

_TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
_MENTION = re.compile(r"<(@!?|@&|#)(\d+)>")
INDENT = "  "
EMBED_BAR = "│ "
WRAP = 100


def readable_timestamps(text: str) -> str:
    """<t:1727683200:R> -> 08:00:00 UTC (the demo's timeline is minutes long, so the time of day is what matters)."""
    def render(match: re.Match[str]) -> str:
        moment = datetime.fromtimestamp(int(match.group(1)), UTC)
        return moment.strftime("%H:%M:%S UTC") if match.group(2) in (None, "t", "T", "R") else \
            moment.strftime("%Y-%m-%d %H:%M:%S UTC")

    return _TIMESTAMP.sub(render, text)


def readable_mentions(text: str, sandbox: Sandbox | None) -> str:
    """<#id> -> #channel, <@id> -> @user, <@&id> -> @role, as a Discord client shows them."""
    if sandbox is None:
        return text
    state = sandbox.state

    def render(match: re.Match[str]) -> str:
        kind, number = match.group(1), int(match.group(2))
        if kind == "#" and number in state.channels:
            return f"#{state.channels[number].name}"
        if kind in ("@", "@!") and number in state.users:
            return f"@{state.users[number].username}"
        if kind == "@&":
            for guild in state.guilds.values():
                if number in guild.roles:
                    return f"@{guild.roles[number].name}"
        return match.group(0)

    return _MENTION.sub(render, text)


def _wrapped(text: str, prefix: str, sandbox: Sandbox | None = None, limit: int | None = None) -> list[str]:
    lines: list[str] = []
    for raw in readable_mentions(readable_timestamps(text), sandbox).splitlines() or [""]:
        pieces = textwrap.wrap(raw, WRAP - len(prefix), replace_whitespace=False, drop_whitespace=True) or [""]
        lines += [prefix + piece for piece in pieces]
    if limit is not None and len(lines) > limit:
        lines = lines[:limit] + [f"{prefix}… ({len(lines) - limit} more lines)"]
    return lines


def _buttons(message: Message) -> list[dict]:
    found = []
    for row in message.components:
        for component in row.get("components") or [row]:
            if component.get("type") == 2:
                found.append(component)
    return found


def button_line(message: Message) -> str | None:
    """`[Ja] [Nein] [Weiß nicht]`; a disabled button is drawn as `[~Ja~]`."""
    buttons = _buttons(message)
    if not buttons:
        return None
    drawn = []
    for button in buttons:
        text = str(button.get("label") or button.get("emoji", {}).get("name") or "…")
        drawn.append(f"[~{text}~]" if button.get("disabled") else f"[{text}]")
    return " ".join(drawn)


def poll_lines(message: Message, sandbox: Sandbox | None) -> list[str]:
    """Discord's own poll on a message: question, answers with their counts, and whether it has ended."""
    poll = message.poll or {}
    counts = sandbox.poll_counts(message) if sandbox is not None else {}
    ended = " (ended)" if poll.get("results", {}).get("is_finalized") else ""
    lines = [f"{INDENT}📊 {poll.get('question', {}).get('text', '')}{ended}"]
    for answer in poll.get("answers", []):
        lines.append(f"{INDENT}  ○ {answer['poll_media'].get('text', '')}: {counts.get(answer['answer_id'], 0)}")
    return lines


def render_message(message: Message, sandbox: Sandbox | None = None, *, compact: bool = False) -> list[str]:
    """One message as lines of text; `compact` cuts each embed's description to a few lines."""
    author = message.author.username + (" [BOT]" if message.author.bot else "")
    when = message.timestamp[11:19] if message.timestamp else ""
    edited = " (edited)" if message.edited_timestamp else ""
    lines = [f"{author} · {when}{edited}"]
    if message.content:
        lines += _wrapped(message.content, INDENT, sandbox)
    for embed in message.embeds:
        bar = INDENT + EMBED_BAR
        if embed.get("author", {}).get("name"):
            lines.append(f"{bar}{embed['author']['name']}")
        if embed.get("title"):
            lines += _wrapped(f"**{embed['title']}**", bar, sandbox)
        if embed.get("url"):
            lines.append(f"{bar}<{embed['url']}>")
        if embed.get("description"):
            lines += _wrapped(embed["description"], bar, sandbox, 3 if compact else None)
        for embed_field in embed.get("fields") or []:
            lines += _wrapped(f"{embed_field.get('name', '')}: {embed_field.get('value', '')}", bar, sandbox,
                              2 if compact else None)
        if embed.get("image", {}).get("url"):
            lines.append(f"{bar}[image {embed['image']['url']}]")
        if embed.get("footer", {}).get("text"):
            lines += _wrapped(embed["footer"]["text"], bar, sandbox)
    if message.poll:
        lines += poll_lines(message, sandbox)
    buttons = button_line(message)
    if buttons:
        lines.append(INDENT + buttons)
    for attachment in message.attachments:
        lines.append(f"{INDENT}📎 {attachment.filename} ({len(attachment.data):,} bytes)")
    if message.thread is not None:
        lines.append(f"{INDENT}↳ thread “{message.thread.name}” ({len(message.thread.message_ids)} messages)")
    return lines


def render_channel(sandbox: Sandbox, channel: Channel, *, member_limit: int | None = None,
                   heading: str | None = None, compact: bool = False) -> list[str]:
    """A channel or thread: a heading, then its messages oldest first.

    With `member_limit`, only that many messages by members are shown in full (the bot's all are); the rest
    are counted at the end, so a busy thread stays readable.
    """
    kind = "thread" if channel.is_thread else "#"
    title = heading or (f"Thread “{channel.name}”" if kind == "thread" else f"#{channel.name}")
    lines = [f"── {title} " + "─" * max(3, WRAP - len(title) - 4)]
    shown_members = 0
    hidden: list[Message] = []
    for message in sandbox.messages(channel, include_system=False):
        if not message.author.bot and member_limit is not None and shown_members >= member_limit:
            hidden.append(message)
            continue
        if not message.author.bot:
            shown_members += 1
        lines += render_message(message, sandbox, compact=compact)
    if hidden:
        people = len({m.author.id for m in hidden})
        lines.append(f"… and {len(hidden)} more messages from {people} members")
    if len(lines) == 1:
        lines.append("(no messages)")
    return lines


def render_dms(sandbox: Sandbox, recipients: Sequence[tuple[str, object]], *, compact: bool = False) -> list[str]:
    """Direct messages the bot sent to each (name, member) — authors' summaries, when they are mapped."""
    lines: list[str] = []
    for name, member in recipients:
        messages = sandbox.dm_messages(member)  # type: ignore[arg-type]
        if not messages:
            continue
        lines.append(f"── Direct messages to {name} " + "─" * max(3, WRAP - len(name) - 24))
        for message in messages:
            lines += render_message(message, sandbox, compact=compact)
    return lines


def message_text(message: Message) -> str:
    """Everything readable in a message, for matching (content, embed titles, links, descriptions, fields)."""
    parts: list[str] = [message.content or ""]
    for embed in message.embeds:
        parts += [str(embed.get(key) or "") for key in ("title", "url", "description")]
        parts += [f"{f.get('name', '')} {f.get('value', '')}" for f in embed.get("fields") or []]
    return "\n".join(parts)


def mentions_any(messages: Iterable[Message], needles: Iterable[str]) -> bool:
    wanted = [n for n in needles if n]
    return any(needle in message_text(message) for message in messages for needle in wanted)
