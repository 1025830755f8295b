"""Which process does a guild's work: Discord's shard formula over the shard settings (issue 14).

A process holds some shards (`[discord] shard_ids` of `shard_count`); the gateway sends it only the events of their
guilds, so everything bound to a guild (posting to it, closing its polls, its summaries and digests) is done by that
process and no other. Fetching feeds is not guild-bound: any process may lease any feed (bot/storage/feeds.py).
Pure and tiny on purpose: the cogs, the closers and the storage queries all ask this one place.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_SHARDS = 100_000


def shard_of(guild_id: int, shard_count: int) -> int:
    """Discord's rule: the shard that receives a guild's events."""
    return (guild_id >> 22) % shard_count


def parse_shard_ids(text: str) -> tuple[int, ...]:
    """"0-3", "0,2,5" or "0-1,4" as sorted shard ids; ValueError with the reason otherwise."""
    ids: set[int] = set()
    for part in (piece.strip() for piece in text.split(",")):
        if not part:
            continue
        low, dash, high = part.partition("-")
        if not low.strip().isdigit() or (dash and not high.strip().isdigit()):
            raise ValueError(f"{text!r} is not a list of shard ids such as \"0-3\" or \"0,2,5\"")
        first, last = int(low), int(high) if dash else int(low)
        if last < first:
            raise ValueError(f"{part!r}: the range runs backwards")
        ids.update(range(first, last + 1))
    if not ids:
        raise ValueError("no shard ids given")
    return tuple(sorted(ids))


@dataclass(frozen=True)
class ShardPlan:
    """The shards this process holds. `count=None`: as many as Discord recommends, all here (owns every guild)."""

    count: int | None = None
    ids: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if self.count is not None and not 1 <= self.count <= MAX_SHARDS:
            raise ValueError(f"shard_count must be between 1 and {MAX_SHARDS}")
        if self.ids is not None:
            if self.count is None:
                raise ValueError("shard_ids needs shard_count (the total over all processes)")
            if any(not 0 <= shard < self.count for shard in self.ids):
                raise ValueError(f"shard ids must be between 0 and shard_count - 1 ({self.count - 1})")

    @property
    def partial(self) -> bool:
        """This process holds only some of the shards: other processes do the other guilds' work."""
        return self.count is not None and self.ids is not None and len(self.ids) < self.count

    def owns(self, guild_id: int) -> bool:
        if not self.partial:
            return True
        assert self.count is not None and self.ids is not None
        return shard_of(guild_id, self.count) in self.ids

    def describe(self) -> str:
        if self.count is None:
            return "all shards (as many as Discord recommends)"
        if self.ids is None:
            return f"all {self.count} shards"
        return f"shards {','.join(map(str, self.ids))} of {self.count}"


def plan_from_settings(shard_count: int | None, shard_ids: str | None) -> ShardPlan:
    return ShardPlan(shard_count, parse_shard_ids(shard_ids) if shard_ids else None)
