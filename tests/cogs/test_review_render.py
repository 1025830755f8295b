"""The review message and the editors' custom ids stay within Discord's limits whatever the proposals hold."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.cogs.review_views import (
    DELETE_PREFIX,
    REVIEW_ACTIONS,
    REVIEW_PREFIX,
    modal_values,
    parse_action_custom_id,
    render_review_message,
)
from bot.polls.review import ProposalView, ReviewSheet, ReviewState
from bot.questions.model import PollKind


def _sheet(count: int, *, state: ReviewState = ReviewState.PROPOSED) -> ReviewSheet:
    proposals = tuple(
        ProposalView(poll_id=100 + n, question=("Q" * 299) + "?", kind=PollKind.CHOICE,
                     labels=tuple(f"{n}-{'x' * 50}{k}" for k in range(10)), state=state, created_by=None,
                     decided_by=None, decided_at=None, edited_by=None, deleted_by=None)
        for n in range(count))
    return ReviewSheet(7, 1, "T" * 500, "https://blog.example/a", 99, "en", proposals, datetime.now(UTC))


@pytest.mark.parametrize("count", [1, 4, 5, 10, 25])
def test_review_message_fits_discord_limits(count: int) -> None:
    embed, view = render_review_message(_sheet(count), "de", default="drop", deadline=datetime.now(UTC))
    data = embed.to_dict()
    assert len(data["title"]) <= 256 and len(data["description"]) <= 4096
    assert len(data["title"]) + len(data["description"]) <= 6000
    rows: dict[int, int] = {}
    for component in view.to_components():
        rows[len(rows)] = len(component["components"])
        for button in component["components"]:
            assert len(button["custom_id"]) <= 100 and 0 < len(button["label"]) <= 80
    assert len(rows) <= 5 and all(n <= 5 for n in rows.values())
    waiting_buttons = min(count, 4) * 3 + 1
    assert len(view.children) == waiting_buttons
    assert f"{REVIEW_PREFIX}all:7" in [b["custom_id"] for c in view.to_components() for b in c["components"]]


def test_decided_proposals_lose_their_buttons() -> None:
    embed, view = render_review_message(_sheet(3, state=ReviewState.DROPPED), "en", default="publish", deadline=None)
    assert view.children == [] and "Every proposal is decided." in embed.description


@pytest.mark.parametrize(("custom_id", "expected"), [
    ("rb:review:approve:12", ("approve", 12)),
    ("rb:review:all:7", ("all", 7)),
    ("rb:review:approve:12:3", ("approve", None)),
    ("rb:review:approve:-1", ("approve", None)),
    ("rb:review:approve:99999999999999999999", ("approve", None)),
    ("rb:review:publish:12", (None, 12)),
    ("rb:review:", (None, None)),
    ("rb:vote:1:2", (None, None)),
])
def test_forged_review_ids_parse_to_nothing_usable(custom_id: str, expected: tuple[str | None, int | None]) -> None:
    assert parse_action_custom_id(custom_id, REVIEW_PREFIX, REVIEW_ACTIONS) == expected


def test_delete_ids_and_modal_values() -> None:
    assert parse_action_custom_id("rb:poll-delete:yes:5", DELETE_PREFIX, ("yes", "no")) == ("yes", 5)
    components = [{"type": 1, "components": [{"type": 4, "custom_id": "question", "value": "Q?"}]},
                  {"type": 18, "component": {"type": 4, "custom_id": "options", "value": "A | B"}}]
    assert modal_values(components) == {"question": "Q?", "options": "A | B"}
