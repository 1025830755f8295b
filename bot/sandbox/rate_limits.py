"""Discord's rate limits in the sandbox, and the failures a test injects (`Fault`).

Rate limits are fixed windows per bucket and major parameter, plus a global window per bot token, with the
X-RateLimit-* headers discord.py reads to pace itself. Separate from bot.sandbox.limits (what a payload may hold)
because the server applies both of these to every request before looking at its body.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Bucket:
    """`limit` requests per `per` seconds; limit None means unlimited (no headers, never 429)."""

    limit: int | None
    per: float = 1.0


DEFAULT_BUCKETS: dict[str, Bucket] = {
    "message.create": Bucket(5, 5.0),  # per channel, as Discord: ~5 messages / 5 s
    "message.edit": Bucket(5, 5.0),  # per channel
    "message.delete": Bucket(5, 1.0),
    "message.read": Bucket(50, 1.0),
    "thread.create": Bucket(10, 10.0),  # per parent channel
    "thread.member": Bucket(10, 10.0),
    "channel.edit": Bucket(5, 5.0),  # per channel (Discord limits renames further, to 2 per 10 minutes)
    "dm.create": Bucket(10, 10.0),
    "webhook": Bucket(5, 2.0),  # per interaction token: follow-ups and edits of the original
    "commands": Bucket(10, 10.0),
    "interaction.callback": Bucket(None),  # Discord does not rate limit interaction responses
    "default": Bucket(50, 1.0),
}


@dataclass
class RateLimitConfig:
    """Per-bucket limits and the global per-token limit. Tests and benchmarks may raise or lower any of them."""

    buckets: dict[str, Bucket] = field(default_factory=lambda: dict(DEFAULT_BUCKETS))
    global_limit: int | None = 50  # requests per second per bot token; None disables
    global_per: float = 1.0
    enabled: bool = True

    def bucket(self, name: str) -> Bucket:
        return self.buckets.get(name) or self.buckets["default"]

    def with_bucket(self, name: str, limit: int | None, per: float = 1.0) -> RateLimitConfig:
        buckets = dict(self.buckets)
        buckets[name] = Bucket(limit, per)
        return replace(self, buckets=buckets)


def bucket_hash(name: str) -> str:
    return hashlib.sha1(name.encode()).hexdigest()[:16]


@dataclass
class RateLimitDecision:
    allowed: bool
    headers: dict[str, str]
    retry_after: float = 0.0
    is_global: bool = False
    scope: str = "user"


class _Window:
    __slots__ = ("count", "reset_at")

    def __init__(self, reset_at: float) -> None:
        self.count = 0
        self.reset_at = reset_at


class RateLimiter:
    """Fixed windows, keyed by bucket and major parameter (channel, guild or webhook token), as Discord does."""

    def __init__(self, config: RateLimitConfig | None = None) -> None:
        self.config = config or RateLimitConfig()
        self._windows: dict[tuple[str, str], _Window] = {}
        self._global: dict[int, _Window] = {}
        self._hashes: dict[str, str] = {}
        self.rejections: list[tuple[float, str, str, bool]] = []  # (monotonic time, bucket, major, global)

    def reset(self) -> None:
        self._windows.clear()
        self._global.clear()

    def _hash(self, name: str) -> str:
        value = self._hashes.get(name)
        if value is None:
            value = self._hashes[name] = bucket_hash(name)
        return value

    def check(self, bucket_name: str, major: str, bot_id: int | None, now: float | None = None) -> RateLimitDecision:
        config = self.config
        if not config.enabled:
            return RateLimitDecision(True, {})
        now = time.monotonic() if now is None else now
        bucket = config.bucket(bucket_name)
        if bot_id is not None and config.global_limit is not None and bucket.limit is not None:
            window = self._global.get(bot_id)
            if window is None or now >= window.reset_at:
                window = self._global[bot_id] = _Window(now + config.global_per)
            if window.count >= config.global_limit:
                retry_after = _ceil_ms(window.reset_at - now)
                self.rejections.append((now, "global", "", True))
                return RateLimitDecision(
                    False,
                    {"X-RateLimit-Global": "true", "X-RateLimit-Scope": "global",
                     "Retry-After": str(max(1, math.ceil(retry_after)))},
                    retry_after=retry_after,
                    is_global=True,
                    scope="global",
                )
            window.count += 1
        if bucket.limit is None:
            return RateLimitDecision(True, {})
        key = (bucket_name, major)
        window = self._windows.get(key)
        if window is None or now >= window.reset_at:
            window = self._windows[key] = _Window(now + bucket.per)
        reset_after = _ceil_ms(window.reset_at - now)
        headers = {
            "X-RateLimit-Limit": str(bucket.limit),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": self._hash(bucket_name),
        }
        if window.count >= bucket.limit:
            headers["X-RateLimit-Remaining"] = "0"
            headers["X-RateLimit-Scope"] = "user"
            headers["Retry-After"] = str(max(1, math.ceil(reset_after)))
            self.rejections.append((now, bucket_name, major, False))
            return RateLimitDecision(False, headers, retry_after=reset_after)
        window.count += 1
        headers["X-RateLimit-Remaining"] = str(bucket.limit - window.count)
        return RateLimitDecision(True, headers)


def _ceil_ms(seconds: float) -> float:
    return max(0.001, math.ceil(seconds * 1000) / 1000)


@dataclass
class Fault:
    """Injected failure: answer `status` to matching requests, `count` times or until `until` (monotonic)."""

    status: int
    count: int | None = None
    until: float | None = None
    path_contains: str | None = None
    method: str | None = None
    retry_after: float = 1.0
    is_global: bool = False
    include_interactions: bool = True
    hits: int = 0

    def matches(self, method: str, path: str, interaction_route: bool, now: float) -> bool:
        if self.until is not None and now >= self.until:
            return False
        if self.count is not None and self.hits >= self.count:
            return False
        if interaction_route and not self.include_interactions:
            return False
        if self.method is not None and self.method.upper() != method:
            return False
        if self.path_contains is not None and self.path_contains not in path:
            return False
        return True

    def exhausted(self, now: float) -> bool:
        return (self.count is not None and self.hits >= self.count) or (self.until is not None and now >= self.until)
