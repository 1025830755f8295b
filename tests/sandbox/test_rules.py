"""Discord's rules in isolation: permission arithmetic, rate-limit windows, validation details."""

from __future__ import annotations

import pytest

from bot.sandbox import permissions as perms
from bot.sandbox.limits import DiscordError, FormError, validate_message, validate_modal
from bot.sandbox.rate_limits import Bucket, RateLimitConfig, RateLimiter
from bot.sandbox.state import TEXT_CHANNEL, Channel, Guild, Member, Role, User


def _guild() -> tuple[Guild, Channel, Member, Role]:
    guild = Guild(1 << 30, "g")
    guild.roles[guild.id] = Role(guild.id, guild.id, "@everyone", perms.DEFAULT_EVERYONE_PERMISSIONS, 0)
    guild.owner_id = 99
    role = Role(2 << 30, guild.id, "helpers", perms.permission_value(["manage_messages"]), 1)
    guild.roles[role.id] = role
    member = Member(guild, User(3 << 30, "m"), [role.id])
    channel = Channel(4 << 30, TEXT_CHANNEL, guild=guild, name="c")
    return guild, channel, member, role


def test_overwrites_apply_everyone_then_roles_then_member() -> None:
    guild, channel, member, role = _guild()
    send = perms.SEND_MESSAGES
    assert perms.channel_permissions(guild, member, channel) & send
    channel.overwrites[guild.id] = (0, 0, send)
    assert not perms.channel_permissions(guild, member, channel) & send
    channel.overwrites[role.id] = (0, send, 0)
    assert perms.channel_permissions(guild, member, channel) & send
    channel.overwrites[member.id] = (1, 0, send)
    assert not perms.channel_permissions(guild, member, channel) & send
    # Without "send messages" the embed and file permissions go too, as on Discord.
    assert not perms.channel_permissions(guild, member, channel) & perms.EMBED_LINKS


def test_administrator_and_owner_bypass_overwrites() -> None:
    guild, channel, member, role = _guild()
    channel.overwrites[guild.id] = (0, 0, perms.VIEW_CHANNEL)
    assert perms.channel_permissions(guild, member, channel) == 0
    role.permissions |= perms.ADMINISTRATOR
    assert perms.channel_permissions(guild, member, channel) == perms.ALL_PERMISSIONS
    owner = Member(guild, User(99, "owner"), [])
    assert perms.base_permissions(guild, owner) == perms.ALL_PERMISSIONS


def test_threads_use_their_parents_overwrites() -> None:
    guild, channel, member, _ = _guild()
    thread = Channel(5 << 30, 11, guild=guild, name="t", parent=channel)
    channel.overwrites[guild.id] = (0, 0, perms.SEND_MESSAGES_IN_THREADS)
    assert not perms.channel_permissions(guild, member, thread) & perms.send_permission(thread)
    assert perms.channel_permissions(guild, member, channel) & perms.send_permission(channel)


def test_permission_names() -> None:
    assert perms.permission_value(["send_messages", "embed_links"]) == (1 << 11) | (1 << 14)
    assert perms.permission_value("2048") == 2048
    with pytest.raises(ValueError):
        perms.permission_value(["send_mesages"])


def test_fixed_windows_per_bucket_and_major_parameter() -> None:
    limiter = RateLimiter(RateLimitConfig(buckets={"message.create": Bucket(2, 5.0), "default": Bucket(None)},
                                          global_limit=None))
    first = limiter.check("message.create", "c1", 1, now=100.0)
    second = limiter.check("message.create", "c1", 1, now=100.1)
    third = limiter.check("message.create", "c1", 1, now=100.2)
    other_channel = limiter.check("message.create", "c2", 1, now=100.2)
    after_reset = limiter.check("message.create", "c1", 1, now=105.0)
    assert [d.allowed for d in (first, second, third, other_channel, after_reset)] == [True, True, False, True, True]
    assert first.headers["X-RateLimit-Remaining"] == "1" and second.headers["X-RateLimit-Remaining"] == "0"
    assert third.retry_after == pytest.approx(4.8, abs=0.002) and third.headers["X-RateLimit-Scope"] == "user"
    assert limiter.check("default", "", 1, now=100.0).headers == {}  # unlimited buckets send no headers


def test_global_limit_counts_every_bucket_but_not_unlimited_ones() -> None:
    limiter = RateLimiter(RateLimitConfig(global_limit=3, global_per=1.0))
    decisions = [limiter.check("message.create", f"c{i}", 7, now=10.0) for i in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert decisions[-1].is_global and decisions[-1].headers["X-RateLimit-Global"] == "true"
    assert limiter.check("interaction.callback", "tok", None, now=10.0).allowed
    assert limiter.check("message.create", "c9", 7, now=11.0).allowed


def test_validation_collects_every_error_with_paths() -> None:
    with pytest.raises(FormError) as raised:
        validate_message({"content": "x" * 2001, "embeds": [{"title": "t" * 300, "fields": [{"name": "", "value": "v"}]}],
                          "flags": 64}, creating=True)
    errors = raised.value.body()["errors"]
    assert errors["content"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"
    assert errors["embeds"]["0"]["title"]["_errors"][0]["message"] == "Must be 256 or fewer in length."
    assert "name" in errors["embeds"]["0"]["fields"]["0"]
    assert "flags" in errors  # ephemeral is for interaction responses only
    with pytest.raises(DiscordError) as empty:
        validate_message({"content": ""}, creating=True)
    assert empty.value.code == 50006
    with pytest.raises(FormError):
        validate_message({"components": [{"type": 1, "components": [
            {"type": 2, "style": 1, "label": "a", "custom_id": "same"},
            {"type": 2, "style": 1, "label": "b", "custom_id": "same"}]}]}, creating=True)


def test_modal_limits() -> None:
    field = {"type": 4, "custom_id": "answer", "style": 2, "label": "Answer", "max_length": 1000}
    validate_modal({"custom_id": "m", "title": "t" * 45, "components": [{"type": 1, "components": [field]}]})
    validate_modal({"custom_id": "m", "title": "Title", "components": [
        {"type": 18, "label": "Answer", "component": dict(field, label=None)}]})
    bad = [
        {"custom_id": "m", "title": "t" * 46, "components": [{"type": 1, "components": [field]}]},
        {"custom_id": "m", "title": "t", "components": [{"type": 1, "components": [dict(field, label="l" * 46)]}]},
        {"custom_id": "m", "title": "t", "components": [{"type": 1, "components": [dict(field, max_length=4001)]}]},
        {"custom_id": "m", "title": "t", "components": [{"type": 1, "components": [dict(field, placeholder="p" * 101)]}]},
        {"custom_id": "m", "title": "t", "components": [{"type": 1, "components": [field]}] * 6},
    ]
    for modal in bad:
        with pytest.raises(FormError):
            validate_modal(modal)
