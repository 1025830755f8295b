"""Any text in: the finder never crashes and every poll respects Discord's limits."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.articles.model import Article, Block
from bot.questions.finder import find_questions
from bot.questions.fit import MAX_OPTION_CHARS, MAX_OPTIONS, MAX_QUESTION_CHARS
from bot.questions.model import TITLE_POSITION, PollKind

# words the rules react to, mixed with arbitrary text so the grammar paths are actually reached
_VOCABULARY = st.sampled_from(
    "oder or und and ? ? ? , : – „ “ \" ' ( ) du you ihr Sie Was What Welche Which Hast Do Ist Is Weil Because "
    "Ja No nicht right Redaktion: Q: A: … ! . z. B. 1. März".split()
)
_TEXT = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(_VOCABULARY, st.text(min_size=1, max_size=70)), max_size=60).map(" ".join),
)
_BLOCK = st.builds(
    Block,
    kind=st.sampled_from(["heading", "paragraph", "quote", "list_item"]),
    text=_TEXT,
    level=st.integers(min_value=0, max_value=6),
)
_ARTICLE = st.builds(
    Article,
    url=st.just("http://example.test/p/"),
    entry_id=st.just("p"),
    title=_TEXT,
    language=st.sampled_from(["de", "en", "fr", ""]),
    blocks=st.lists(_BLOCK, max_size=8),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ARTICLE)
def test_any_article_gives_polls_within_discord_limits(article: Article) -> None:
    drafts = find_questions(article)
    positions = [draft.position for draft in drafts]
    assert positions == sorted(positions)
    keys = set()
    for draft in drafts:
        assert 0 < len(draft.question) <= MAX_QUESTION_CHARS
        assert draft.question == draft.question.strip()
        assert draft.position == TITLE_POSITION or 0 <= draft.position < len(article.blocks)
        assert len(draft.options) <= MAX_OPTIONS
        assert all(0 < len(option) <= MAX_OPTION_CHARS for option in draft.options)
        if draft.kind is PollKind.CHOICE:
            assert len(draft.options) >= 2
        elif draft.kind is PollKind.OPEN:
            assert draft.options == ()
        else:
            assert len(draft.options) == 3
        key = draft.question.casefold()
        assert key not in keys
        keys.add(key)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        # sentence punctuation inside an alternative would end the sentence: that is the splitter's job
        st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters="?!.…"), min_size=1, max_size=80),
        min_size=2,
        max_size=12,
    )
)
def test_trimmed_options_are_prefixes_cut_between_words(alternatives: list[str]) -> None:
    question = "Welche nutzt du: " + ", ".join(alternatives[:-1]) + " oder " + alternatives[-1] + "?"
    article = Article(url="u", entry_id="e", title="T", language="de", blocks=[Block("paragraph", question)])
    words_in_question = set(_words(question))
    for draft in find_questions(article):
        if draft.kind is not PollKind.CHOICE:
            continue
        for option in draft.options:
            kept = option[:-1] if option.endswith("…") else option
            for word in _words(kept):
                assert word in words_in_question, (word, option)  # never a word cut in half


def _words(text: str) -> list[str]:
    """Words between whitespace and commas, without the punctuation the finder strips at their ends."""
    pieces = re.split(r"[\s,]+", text)
    return [stripped for piece in pieces if (stripped := piece.strip(_PUNCTUATION))]


_PUNCTUATION = " \t\n\"'“”„»«’‘)]!?.…,;:"
