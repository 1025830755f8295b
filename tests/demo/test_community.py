"""The simulated community's plan (pure) and texts: realistic, varied, and a ledger that is the truth of what it did."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from bot.demo.blog import load_articles
from bot.demo.community import Ledger, Persona, PollTarget, Step, make_personas, plan_article, poll_targets
from bot.demo.texts import ANSWER_POOLS, GENERIC, AnswerWriter, answer_pool, chat_lines, member_names
from bot.questions.model import PollKind
from bot.sandbox import Sandbox
from bot.summaries.themes import find_themes

WINDOW = 10.0


def vote_target(poll_id: int, labels: list[str], question: str = "Do you think cameras should be on?") -> PollTarget:
    options = tuple((f"rb:vote:{poll_id}:{index + 1}", label) for index, label in enumerate(labels))
    return PollTarget(poll_id, message=None, question=question, options=options, answer_custom_id=None)  # type: ignore[arg-type]


def open_target(poll_id: int, question: str) -> PollTarget:
    return PollTarget(poll_id, message=None, question=question, options=(),  # type: ignore[arg-type]
                      answer_custom_id=f"rb:answer:{poll_id}")


def replay(scripts) -> Ledger:
    ledger = Ledger()
    for script in scripts:
        for step in script.steps:
            ledger.apply(script.member, step)
    return ledger


@pytest.fixture
def personas() -> list[Persona]:
    return make_personas(50, random.Random(7))


def test_ledger_follows_the_bots_vote_rules() -> None:
    ledger = Ledger()
    first = Step(1.0, "vote", 1, "rb:vote:1:1", "Yes")
    assert ledger.apply("anna", first) == "recorded"
    assert ledger.apply("anna", Step(2.0, "vote", 1, "rb:vote:1:2", "No")) == "changed"
    assert ledger.option_counts(1) == Counter({"No": 1})
    assert ledger.apply("anna", Step(3.0, "vote", 1, "rb:vote:1:2", "No")) == "withdrawn"
    assert ledger.option_counts(1) == Counter()
    assert ledger.voters == 0
    assert ledger.apply("ben", Step(1.0, "answer", 2, text="Agenda!")) == "stored"
    assert ledger.apply("ben", Step(2.0, "answer", 2, text="No agenda at all.")) == "replaced"
    assert ledger.answers[2] == {"ben": "No agenda at all."}
    assert ledger.voters == 1


def test_plan_has_votes_changes_withdrawals_answers_and_chat(personas: list[Persona]) -> None:
    targets = [
        vote_target(1, ["Yes", "No", "Not sure"]),
        vote_target(2, ["starting with the decision", "writing first", "ending early"]),
        open_target(3, "What is the worst meeting habit you have seen?"),
    ]
    plan = plan_article("Five habits that make remote meetings bearable", "en", targets, personas,
                        random.Random(1), WINDOW)
    outcomes: Counter[str] = Counter()
    ledger = Ledger()
    for script in plan.scripts:
        assert script.steps == sorted(script.steps), "a member's steps run in time order"
        for step in script.steps:
            assert 0.0 <= step.at <= WINDOW
            outcomes[str(ledger.apply(script.member, step))] += 1
    assert outcomes["recorded"] >= 25
    assert outcomes["changed"] >= 1
    assert outcomes["withdrawn"] >= 1
    assert outcomes["stored"] >= 8
    assert outcomes["None"] >= 3, "some members chat in the thread"
    assert ledger.votes == plan.ledger.votes and ledger.answers == plan.ledger.answers
    assert plan.ledger.voters == len({m for per_poll in ledger.votes.values() for m in per_poll}
                                     | set(ledger.answers.get(3, {})))
    valid = {label for target in targets for _, label in target.options}
    assert set(plan.ledger.option_counts(1)) | set(plan.ledger.option_counts(2)) <= valid


def test_answers_are_distinct_and_their_themes_come_out(personas: list[Persona]) -> None:
    question = "Was würdest du an deinem freien Freitag als Erstes tun?"
    plan = plan_article("Die Vier-Tage-Woche", "de", [open_target(9, question)], personas, random.Random(3), WINDOW)
    answers = list(plan.ledger.answers[9].values())
    assert len(answers) >= 12
    assert len(set(answers)) == len(answers)
    found = {theme.label.casefold() for theme in find_themes(answers, question=question, limit=5)}
    written = {name.casefold() for name, count in plan.themes[9].most_common(3)}
    # the summary's keyword themes name what the community actually wrote about
    assert len(found & written) >= 2, (found, written)


@pytest.mark.parametrize("pool", ANSWER_POOLS, ids=lambda pool: pool.keywords[0])
def test_no_answer_repeats_and_wordings_spread_evenly(pool) -> None:
    writer = AnswerWriter(pool, random.Random(11))
    answers = [writer.write()[1] for _ in range(40)]
    assert len(set(answers)) == 40
    openings = Counter(next(s for theme in pool.themes for s in theme.sentences if a.startswith(s)) for a in answers)
    for theme in pool.themes:  # within a theme, no wording is used twice before every other one was used once
        uses = [openings[sentence] for sentence in theme.sentences]
        assert max(uses) - min(uses) <= 1, (theme.name, uses)


def test_every_open_question_of_the_sample_blog_has_its_own_pool() -> None:
    from bot.articles.extract import extract_article
    from bot.questions.finder import find_questions

    _, articles = load_articles()
    open_questions = []
    for article in articles:
        page = article.page.replace("http://blog.example", "http://127.0.0.1:1").encode()
        parsed = extract_article(page, f"http://127.0.0.1:1/{article.slug}/")
        open_questions += [(article, d.question) for d in find_questions(parsed) if d.kind == PollKind.OPEN]
    assert len(open_questions) >= len(articles)
    for article, question in open_questions:
        pool = answer_pool(question, article.language)
        assert pool not in GENERIC.values(), question
        assert pool.language == article.language
        assert chat_lines(article.title, article.language) not in (GENERIC_CHAT_DE, GENERIC_CHAT_EN)


GENERIC_CHAT_DE = chat_lines("unknown", "de")
GENERIC_CHAT_EN = chat_lines("unknown", "en")


def test_same_seed_same_plan(personas: list[Persona]) -> None:
    targets = [vote_target(1, ["Ja", "Nein", "Weiß nicht"])]
    one = plan_article("x", "de", targets, personas, random.Random("seed"), WINDOW)
    two = plan_article("x", "de", targets, personas, random.Random("seed"), WINDOW)
    assert [(s.member, s.steps) for s in one.scripts] == [(s.member, s.steps) for s in two.scripts]


def test_member_names_are_unique_and_mixed() -> None:
    names = member_names(200, random.Random(5))
    assert len({name for name, _ in names}) == 200
    locales = Counter(locale.split("-")[0] for _, locale in names)
    assert locales["de"] > 60 and locales["en"] > 60
    assert all(len(name) <= 32 for name, _ in names)


def test_poll_targets_read_the_bots_buttons() -> None:
    sandbox = Sandbox()
    bot = sandbox.add_bot_user("token")
    guild = sandbox.add_guild("Readers")
    channel = sandbox.add_channel(guild, "articles")
    vote_row = {"type": 1, "components": [
        {"type": 2, "style": 2, "label": "Ja", "custom_id": "rb:vote:12:31"},
        {"type": 2, "style": 2, "label": "Nein", "custom_id": "rb:vote:12:32"},
    ]}
    answer_row = {"type": 1, "components": [{"type": 2, "style": 1, "label": "Antworten", "custom_id": "rb:answer:13"}]}
    sandbox.create_message(channel, bot.user, {"content": "Neuer Artikel"})
    sandbox.create_message(channel, bot.user, {"content": "**Nutzt ihr KI\\-Werkzeuge?**", "components": [vote_row]})
    sandbox.create_message(channel, bot.user, {"content": "**Was würdest du tun?**", "components": [answer_row]})
    targets = poll_targets(sandbox.messages(channel))
    assert [(t.poll_id, t.question, t.is_open_question) for t in targets] == [
        (12, "Nutzt ihr KI-Werkzeuge?", False),
        (13, "Was würdest du tun?", True),
    ]
    assert targets[0].options == (("rb:vote:12:31", "Ja"), ("rb:vote:12:32", "Nein"))
    assert targets[1].answer_custom_id == "rb:answer:13"
