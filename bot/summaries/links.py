"""Report links: `/r/<token>`, unguessable, revocable, and without a database id in them.

The token is HMAC-SHA256 (keyed with `[web] secret`) over the article's identity (guild, id, URL) and its link
generation, cut to 192 bits and written url-safe. The database keeps only a SHA-256 of the current token
(`articles.report_key`, unique) to find the article again; the token is then recomputed and compared in
constant time, so a stale key (the secret changed) or an old generation (revoked) never resolves. Revoking
bumps the generation: the old token's key is gone, and the new token differs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.database import Database
from bot.storage.models import Article

TOKEN_BYTES = 24  # 192 bits
TOKEN_LENGTH = 32  # base64url characters of TOKEN_BYTES
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32}$")
RESOLVE_CACHE_SECONDS = 15.0
_CONTEXT = b"reader-bot report link v1"


@dataclass(frozen=True)
class LinkSubject:
    """What a link is about: enough of the article to sign, nothing more."""

    article_id: int
    guild_id: int
    url: str
    generation: int


def report_token(secret: str, subject: LinkSubject) -> str:
    message = b"\x00".join(
        [_CONTEXT, str(subject.guild_id).encode(), str(subject.article_id).encode(), subject.url.encode("utf-8"),
         str(subject.generation).encode()]
    )
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()[:TOKEN_BYTES]
    return base64.urlsafe_b64encode(digest).decode("ascii")


def lookup_key(token: str) -> str:
    """What the database stores to find a token's article (never the token itself)."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def well_formed(token: str) -> bool:
    return bool(TOKEN_PATTERN.match(token))


async def _subject(session: AsyncSession, article_id: int) -> tuple[LinkSubject, str | None]:
    row = (
        await session.execute(
            select(Article.id, Article.guild_id, Article.url, Article.report_generation, Article.report_key).where(
                Article.id == article_id
            )
        )
    ).one()
    return LinkSubject(row.id, row.guild_id, row.url, int(row.report_generation or 0)), row.report_key


async def issue_token(session: AsyncSession, article_id: int, secret: str) -> str:
    """The article's current token; its key is stored the first time (or again after the secret changed)."""
    subject, stored = await _subject(session, article_id)
    token = report_token(secret, subject)
    key = lookup_key(token)
    if stored != key:
        await session.execute(update(Article).where(Article.id == article_id).values(report_key=key))
    return token


async def revoke_token(session: AsyncSession, article_id: int, secret: str) -> str:
    """Invalidate the article's link and return the new token."""
    subject, _ = await _subject(session, article_id)
    fresh = LinkSubject(subject.article_id, subject.guild_id, subject.url, subject.generation + 1)
    token = report_token(secret, fresh)
    await session.execute(
        update(Article).where(Article.id == article_id).values(report_generation=fresh.generation, report_key=lookup_key(token))
    )
    return token


async def article_for_token(session: AsyncSession, token: str, secret: str) -> int | None:
    """The article id the token stands for, or None (malformed, unknown, revoked, or signed with another secret)."""
    if not well_formed(token):
        return None
    row = (
        await session.execute(
            select(Article.id, Article.guild_id, Article.url, Article.report_generation).where(
                Article.report_key == lookup_key(token)
            )
        )
    ).first()
    if row is None:
        return None
    expected = report_token(secret, LinkSubject(row.id, row.guild_id, row.url, int(row.report_generation or 0)))
    return row.id if hmac.compare_digest(expected.encode("ascii"), token.encode("ascii")) else None


class ReportLinks:
    """Issues, revokes and resolves report links for one process (the bot's cogs and its web server share it).

    Resolved tokens are remembered for a few seconds, so that a report polled by a widget does not cost a query
    per request; revoking through this object forgets the old token at once.
    """

    def __init__(self, database: Database, secret: str, base_url: str) -> None:
        self.database = database
        self._secret = secret
        self.base_url = base_url.rstrip("/")
        self._resolved: dict[str, tuple[float, int]] = {}

    def url(self, token: str) -> str:
        return f"{self.base_url}/r/{token}"

    async def link_for(self, article_id: int) -> str:
        async with self.database.session() as session:
            return self.url(await issue_token(session, article_id, self._secret))

    async def revoke(self, article_id: int) -> str:
        async with self.database.session() as session:
            token = await revoke_token(session, article_id, self._secret)
        self._resolved = {key: value for key, value in self._resolved.items() if value[1] != article_id}
        return self.url(token)

    async def resolve(self, token: str) -> int | None:
        now = time.monotonic()
        cached = self._resolved.get(token)
        if cached is not None and cached[0] > now:
            return cached[1]
        async with self.database.session() as session:
            article_id = await article_for_token(session, token, self._secret)
        if article_id is not None:
            if len(self._resolved) > 10_000:
                self._resolved.clear()
            self._resolved[token] = (now + RESOLVE_CACHE_SECONDS, article_id)
        return article_id
