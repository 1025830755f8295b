"""Which named signals (bot/questions/signals.py) a question candidate shows, from the finder's view of the article.

The finder (bot/questions/finder.py) decides with its rules whether a question-like sentence can be a poll
at all; this module collects the evidence for the confidence: where the question stands (title, lead,
closing), whom it addresses, what stands around it (an invitation, an answer, a run of questions) and the
article's structure (interview, question title). Kept apart so that each stays readable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.articles.model import Block
from bot.questions import answers, audience, calls, followups, grammar, leadins, signals
from bot.questions.fit import dedupe_key, normalise_space
from bot.questions.lexicon import Lexicon
from bot.questions.model import TITLE_POSITION, PollKind
from bot.questions.sentences import Sentence, split_sentences, terminal_question_mark

if TYPE_CHECKING:
    from bot.questions.finder import QuestionVerdict, _Finder

BODY_KINDS = ("paragraph", "list_item")
THOUGHT_WINDOW = 400  # characters before a question in its paragraph where a thought experiment is set up
LONG_RUN = 5  # a run of this many questions is a checklist even when it addresses the reader


@dataclass
class Candidate:
    """A question-like sentence and what stands around it."""

    sentence: Sentence
    position: int
    block: Block | None
    next_sentence: str
    structural_rule: str | None
    same_block_next: bool = False  # the next sentence stands in the same block (not in the next one)
    previous_sentence: str = ""  # the sentence before it (same block, else the end of the block before)
    after: list[str] = field(default_factory=list)  # the next sentences in the same block (at most AFTER_SENTENCES)
    run_length: int = 1  # question sentences in an unbroken row, this one included
    run_key: tuple[int, int] = (-1, -1)  # (block, sentence number)


def _under_call_heading(finder: _Finder, position: int) -> bool:
    """The section's heading puts its questions to the readers ("Two questions for members", "Fragen an euch", "Your
    turn"): a question to the reader under it is asked of them, as after a call to reply."""
    heading = finder.section_heading(position)
    return heading is not None and signals.is_call_heading(finder.blocks[heading].text or "")


def signals_present(finder: _Finder, candidate: Candidate, verdict: QuestionVerdict) -> tuple[str, ...]:
    """The names of the signals (bot/questions/signals.py) present for this question, in SIGNALS order."""
    lexicon = finder.lexicon
    text = candidate.sentence.text
    clause = grammar.core_clause(text, lexicon)  # the question without its lead-in, asked of several signals below
    block = candidate.block
    is_title = candidate.position == TITLE_POSITION
    present: set[str] = set()
    if block is not None and not candidate.after and not answers.answer_rule(candidate.next_sentence, (), lexicon):
        present.add("ends_paragraph")
    # an item of a short list after a call for the readers' replies: put to them, and invited (not a checklist)
    feedback_item = block is not None and leadins.in_feedback_list(finder.blocks, candidate.position, lexicon)
    # a row of questions opened by a call for replies ("We'd like to hear from you: Does … help you? Any …?")
    called = candidate.run_key in finder._runs_called
    addressed = signals.addresses_reader(text, lexicon) or leadins.elliptic_request_for_input(clause) or (
        # "Welche Themen sollen wir ansprechen? Schreibt uns …": the readers' advice, asked of them
        verdict.kind is PollKind.OPEN and grammar.is_wh_question(clause, lexicon) and grammar.asks_advice(text, lexicon)
        and signals.call_to_reply_follows(candidate.next_sentence, candidate.same_block_next, lexicon)
    ) or grammar.asks_writers_next_step(text, lexicon)
    if feedback_item or called or addressed or (
        block is not None and candidate.sentence.start > 0 and signals.follows_reader_prompt(candidate.previous_sentence, lexicon)
    ) or (
        verdict.kind is PollKind.OPEN
        and block is not None
        and bool(candidate.after)
        and leadins.precedes_reader_prompt(candidate.after[0], lexicon)
    ):
        present.add("reader_address")
    if audience.addresses_audience(text, lexicon):  # "those of you reading this", "For Blender users: …"
        present.update(("reader_address", "audience_address"))
    if (
        # a lone question that asks no one in particular is as often the writer's speculation ("Wird die Regierung
        # das überstehen?"); one that asks for a verdict ("Sollten Schulen …?", "…, oder?") is put to the readers
        ("reader_address" in present or verdict.rule == "confirmation_tag" or signals.asks_for_a_verdict(text, lexicon))
        and block is not None
        and block.kind in BODY_KINDS
        and not block.emphasis
        and len(finder.sentences(candidate.position)) == 1
    ):
        present.add("stands_alone")
    nearby = [candidate.next_sentence, *candidate.after[1:]]
    if (
        feedback_item
        or called
        or candidate.run_key in finder._runs_invited
        or signals.invites_reply_in_question(text, lexicon)
        or signals.asks_for_a_vote(text)
        or any(signals.invites_reply(sentence, lexicon) for sentence in nearby)
        or (block is not None and "reader_address" in present and _under_call_heading(finder, candidate.position))
    ):
        present.add("invitation")
    if "reader_address" in present and leadins.is_conditional_contact(candidate.next_sentence, lexicon):
        present.add("conditional_contact")
        present.discard("invitation")  # the call is to contact the writer, not to answer this question in public
    elif (
        block is not None
        and verdict.kind is not PollKind.CHOICE
        and not grammar.is_wh_question(clause, lexicon)
        and leadins.routes_reply_offsite(after_run := statements_after_run(finder, candidate), lexicon)
        and any(  # a call among them ("Let me know by email", "Please submit …"), not a report ("I submitted …")
            signals.invites_reply(sentence, lexicon) or followups.calls_to_contribute(sentence, lexicon)
            for sentence in after_run
        )
    ):
        present.add("conditional_contact")  # "Have an idea? Let me know by email!": sent in, not discussed
        present.discard("invitation")
    elif calls.acts_on_yes(
        text, statement_after(candidate, finder), lexicon, asks_opinion=signals.asks_opinion(text, lexicon)
    ):
        present.add("acts_on_yes")
        present.discard("invitation")  # "Do you have ideas? Email us": the call is what is asked, not a reply here
    if candidate.after and leadins.hands_over(text, candidate.after[0], lexicon):
        present.add("hands_over")
        present.discard("audience_address")  # "What about you, dear reader?": the vocative is part of the turn
    if "reader_address" in present and leadins.familiarity_hook(text, candidate.next_sentence, lexicon):
        present.add("familiarity_hook")
    if "invitation" not in present and calls.teases_content(
        text, candidate.next_sentence, lexicon, asks_opinion=signals.asks_opinion(text, lexicon)
    ):
        present.add("teases_content")
    if signals.has_interjection_lead(text, lexicon):
        present.add("interjection_lead")
    if is_title:
        present.add("title")
        if normalise_space(text) == normalise_space(finder.article.title or ""):
            present.add("whole_title")
        elif signals.title_goes_on(finder.article.title or "", candidate.sentence.end, lexicon):
            present.add("title_goes_on")
        if finder._closing_asks is None:
            finder._closing_asks = closing_asks_readers(finder)
        if finder._closing_asks:
            present.add("debate_article")
        if verdict.kind is PollKind.YES_NO and answered_question_headings(finder) >= CHECKLIST_HEADINGS:
            present.add("checklist_title")
    elif candidate.position in finder._closing:
        present.add("closing")
    elif candidate.position == finder._lead:
        present.add("lead")
    else:
        present.add("body_middle")
    if verdict.kind is PollKind.CHOICE:
        present.add("names_alternatives")
    if signals.is_first_person(text, lexicon) and not audience.asks_what_writer_missed(clause, lexicon) and not (
        grammar.asks_writers_next_step(text, lexicon)
    ) and not (
        # "Did I miss anything?" asks the readers to complete the text; so does asking their advice
        grammar.asks_advice(text, lexicon)
        and signals.call_to_reply_follows(candidate.next_sentence, candidate.same_block_next, lexicon)
    ):  # "Which topic should I cover next? Let me know in the comments!"
        present.add("first_person")
    if signals.is_self_ask(text, candidate.previous_sentence, lexicon) or candidate.run_key in finder._runs_kept:
        present.add("self_ask")
    run_to_reader = "reader_address" in present or candidate.run_key in finder._runs_to_reader
    invited_close = "closing" in present and run_to_reader and (
        candidate.run_key in finder._runs_invited or "invitation" in present or candidate.run_key in finder._runs_opinion
    )  # "Which do you use? Why? How often? Tell us in the comments!": the closing's questions to the readers (or
    # "What do you think …? Which would you …?": a row asking their opinions), not a checklist to ask oneself
    if candidate.run_key in finder._runs_scored or (not invited_close and not called and (
        candidate.run_length >= LONG_RUN or (candidate.run_length >= 3 and (not run_to_reader or "closing" not in present))
    )):  # a run in the body is a checklist; in the closing, questions to the reader may come in a row, unless the
        # text goes on to score their answers ("If you answered yes to two or more, …"): a self-test
        present.add("question_run")
    if signals.continues_previous(text, candidate.previous_sentence, lexicon):
        present.add("continues_previous")
    if not is_title and finder._title_asks:
        present.add("question_title")
    if candidate.position in finder._interview:
        present.add("interview_structure")
    if block is not None and block.kind == "heading":
        present.add("heading")
    if block is not None and not feedback_item and (
        block.kind == "list_item" or calls.is_numbered_item(block.text or "", block.emphasis)
    ):
        present.add("list_item")
    if block is not None and block.emphasis == "whole":
        present.add("emphasised")
    if (
        not is_title
        and block is not None
        and (block.kind == "heading" or block.emphasis or len(finder.sentences(candidate.position)) == 1)
        and signals.is_headline_style(text, lexicon)
        and not audience.group_lead_in(text)  # "For Blender users: …" names whom it asks, not a topic
    ) or (is_title and leadins.is_noun_phrase_title(text, lexicon)):
        present.add("headline_style")
    if (
        not is_title
        and "reader_address" in present
        and "invitation" not in present  # "Got a joke you'd like to add? Send it to …" asks for it
        and (
            verdict.rule == "declarative_question"
            or (verdict.kind is PollKind.YES_NO and followups.states_consequence(candidate.next_sentence, lexicon))
        )
    ):
        present.add("conditional_teaser")
    if "reader_address" in present and signals.promotes_own(text, lexicon):
        present.add("own_promotion")
    if signals.is_stock_phrase(text, lexicon):
        present.add("stock_phrase")
    if signals.is_widget_prompt(text, lexicon):
        present.add("widget_prompt")
    if "reader_address" in present and followups.calls_to_contribute(candidate.next_sentence, lexicon):
        present.add("contribution_call")
    if calls.asks_to_volunteer(text):
        present.add("contribution_call")
    if block is not None and (
        signals.opens_reflection(candidate.previous_sentence, candidate.after, lexicon)
        or candidate.run_key in finder._runs_reflective
        or signals.leads_into_reflection(text, lexicon)  # "…, ask yourself one simple question: How can you …?"
    ):
        present.add("reflection_prompt")
    if signals.doubts(text) and "closing" not in present:
        present.add("doubting")  # in the closing, "Ersetzt der bei euch wirklich …?" asks the readers' experience
    if verdict.kind is PollKind.YES_NO and signals.follows_up(text, candidate.previous_sentence, lexicon):
        present.add("follow_up")
    if signals.named_addressee(text, lexicon):
        present.add("named_addressee")
    elif (
        (finder._title_names_guest or (finder._title_interview and finder.answered_below(candidate.position)))
        and not is_title
        and "reader_address" in present
        and not candidate.after
        and "invitation" not in present
    ):
        present.add("interview_structure")  # the title names or announces a guest: "Sie" in the body is the guest
    elif (
        finder._title_interview
        and not is_title
        and "reader_address" in present
        and answered_in_paragraph(candidate, lexicon)
    ):
        present.add("interview_structure")  # "**What are your favourite books?** I love …": question and answer in one
        present.discard("invitation")  # "your favourite" asks the guest here; no call to reply follows the answer
    if followups.goes_on_arguing(candidate.after, text, lexicon, to_reader="reader_address" in present):
        present.add("argued_through")
    present.update(surroundings(finder, candidate, present))
    if "answered_below" in present or "service_offer" in present:
        present.discard("ends_paragraph")  # the next paragraph answers it or makes an offer: not left open
    if verdict.kind is not PollKind.CHOICE and signals.is_tag_question(text, candidate.previous_sentence, lexicon):
        present.add("tag_question")
    if (
        block is not None
        and "invitation" not in present
        # the scenario is set up a few sentences before (a window, so that a huge paragraph stays linear)
        and (
            signals.in_thought_experiment(
                (block.text or "")[max(0, candidate.sentence.start - THOUGHT_WINDOW) : candidate.sentence.start]
            )
            or signals.asks_a_scenario(text)
        )
    ):
        present.add("thought_experiment")
    if verdict.kind is PollKind.YES_NO and signals.is_negative_question(text):
        present.add("negative_question")
    position = candidate.position
    list_follows = 0 <= position < len(finder.blocks) - 1 and finder.blocks[position + 1].kind == "list_item"
    if calls.quotes_survey_item(candidate.sentence.text, followed_by_list=bool(candidate.after) or list_follows):
        present.add("survey_item")
    if (
        "reader_address" in present
        and block is not None
        and candidate.sentence.start == 0
        and candidate.position in finder._opening
        and followups.opens_with_reader(text, candidate.next_sentence, lexicon)
    ):
        present.add("opens_with_reader")
    if (
        "reader_address" in present
        and "conditional_contact" not in present  # "Dann schreibt mir." is a call, not the writer's own answer
        and "acts_on_yes" not in present
        # a W-question about the reader's habits or taste counts in the article's opening ("What's your favourite …?
        # Mine is …"); in the body it is as often an interview's or an argument's
        and followups.writer_answers_too(
            text, following_sentences(finder, candidate), lexicon, wh=candidate.position in finder._opening
        )
    ):
        present.add("writer_answers_too")
        # the next paragraph is the writer's own side, not a guest's reply (an interview shows in its structure)
        present.discard("answered_below")
    if "contribution_call" in present or "recruiting" in present:
        # "… and we will do the rest" is the offer, "We're hiring" the advert: not the writer's own answer
        present.discard("writer_answers_too")
    return tuple(name for name in signals.SIGNALS if name in present)


INLINE_ANSWER_CHARS = 80  # as finder.MIN_ANSWER_CHARS: this much text after the question can be its answer


def answered_in_paragraph(candidate: Candidate, lexicon: Lexicon) -> bool:
    """interview_structure under a title that announces an interview: the question opens its paragraph and the rest
    of the paragraph answers it at some length without a call to reply ("**What are your hobbies?** I enjoy hiking
    …", the bold question and its answer rendered as one paragraph or list item). Asked of the guest, not the readers."""
    if candidate.block is None or candidate.sentence.start > 0 or not candidate.after:
        return False
    statements = [sentence for sentence in candidate.after if not grammar.ends_with_question_mark(sentence)]
    return sum(len(sentence) for sentence in statements) >= INLINE_ANSWER_CHARS and not any(
        signals.invites_reply(sentence, lexicon) for sentence in candidate.after
    )


CHECKLIST_HEADINGS = 2  # yes/no question headings whose sections answer them: the article is a self-check
_NUMBERING = re.compile(r"\s*(?:\d+|[a-z])[.)]\s+")


def answered_question_headings(finder: _Finder) -> int:
    """checklist_title: how many headings are yes/no questions ("1. Has nothing changed but the names?", "Do your
    tests run on every commit?") that their sections answer. Two or more make the article a self-check that answers
    its yes/no title ("Is your project really agile?") sign by sign; a debate's sub-headings ask for the arguments
    ("Was spricht dafür?") instead."""
    count = 0
    for index, block in enumerate(finder.blocks):
        text = (block.text or "").rstrip()
        if block.kind != "heading" or not text.endswith("?"):
            continue
        text = _NUMBERING.sub("", text, count=1)
        if grammar.is_verb_first(text, finder.lexicon) and finder.section_answers(index):
            count += 1
    return count


def statement_after(candidate: Candidate, finder: _Finder | None = None) -> str:
    """The first statement after the question: past the rest of its row of questions in the paragraph ("Do you have
    story ideas? Or edits? Open an issue!"), else the next sentence (the next paragraph's opening when it ends its own);
    past a row of question-only items or paragraphs after it ("· Kennst du weitere …? · Hast du …? Lass es mich
    durch eine Mail wissen")."""
    for sentence in candidate.after:
        if not grammar.ends_asking(sentence):
            return sentence
    if candidate.after or finder is None or candidate.block is None:
        return "" if candidate.after else candidate.next_sentence
    index = candidate.position + 1
    while index < min(len(finder.blocks), candidate.position + ROW_BLOCKS) and finder.question_only(index):
        index += 1
    return finder.opening_of(index) if index > candidate.position + 1 else candidate.next_sentence


ROW_BLOCKS = 4  # how many question-only blocks after a question statement_after looks past


def statements_after_run(finder: _Finder, candidate: Candidate) -> list[str]:
    """The first statements after the question and the questions that follow it in a row: the rest of its paragraph
    without its questions, or, when nothing else is left there, the opening of the next paragraph."""
    rest = [sentence for sentence in candidate.after if not grammar.ends_with_question_mark(sentence)]
    if rest:
        return rest[:2]
    index = candidate.position + 1
    if candidate.block is None or index >= len(finder.blocks) or finder.blocks[index].kind not in BODY_KINDS:
        return []
    return [sentence.text for sentence in finder.sentences(index)[:2]]


def following_sentences(finder: _Finder, candidate: Candidate) -> list[str]:
    """The sentences after the question: the rest of its paragraph, or, when it ends its paragraph, the opening of
    the next paragraph."""
    if candidate.after:
        return candidate.after[:2]
    index = candidate.position + 1
    if candidate.block is None or index >= len(finder.blocks) or finder.blocks[index].kind not in BODY_KINDS:
        return []
    return [sentence.text for sentence in finder.sentences(index)[:2]]


def surroundings(finder: _Finder, candidate: Candidate, present: set[str]) -> set[str]:
    """The signals read from the question's wording and what stands around it: an offer or job advert after it,
    a sentence that leaves it open, a proposal or a rhetorical formula, a heading that closes its section, an
    answer in the next paragraph, a question heading right above, a columnist's reply to a signed letter; and
    whether it asks for an opinion."""
    lexicon = finder.lexicon
    text = candidate.sentence.text
    found: set[str] = set()
    to_reader = "reader_address" in present
    opinion = to_reader and signals.asks_opinion(text, lexicon)
    if (
        to_reader
        and "invitation" not in present
        and followups.offers_service(candidate.next_sentence, lexicon)
        # "Wie gefallen euch die Modelle? Mehr Infos: …" asks all the same; "… ? Join our programme" does not
        and (not opinion or followups.opens_with_offer(candidate.next_sentence, lexicon))
    ):
        found.add("service_offer")
    if followups.recruits(text, candidate.next_sentence, lexicon):
        found.add("recruiting")
    if followups.leaves_open(candidate.next_sentence, lexicon):
        found.add("left_open")
    if signals.is_suggestion(text):
        found.add("suggestion")
    if signals.is_rhetorical_formula(text):
        found.add("rhetorical_formula")
    block = candidate.block
    following = None
    if block is not None and candidate.position + 1 < len(finder.blocks):
        following = finder.blocks[candidate.position + 1]
    closes_block = all(grammar.ends_with_question_mark(sentence) for sentence in candidate.after)  # none, or only questions
    if opinion and closes_block and following is not None and following.kind == "heading":
        found.add("ends_section")  # a listicle's item that ends by asking the readers about it
    if opinion and ("body_middle" not in present or "ends_section" in found):
        found.add("asks_opinion")  # in the middle of an argument, "Do you think …?" is as often rhetorical
    if block is None or block.kind not in BODY_KINDS:
        return found
    if (
        to_reader
        and "invitation" not in present
        and not signals.calls_the_readers(text)
        and not candidate.after
        and finder.question_only(candidate.position)
        and finder.answered_below(candidate.position)
    ):
        found.add("answered_below")
    heading = finder.section_heading(candidate.position)
    heading_text = (finder.blocks[heading].text or "").rstrip() if heading is not None else ""
    if heading == candidate.position - 1 and heading_text.endswith("?") and not asks_the_readers(heading_text, lexicon):
        # the paragraph right under a question heading takes that question up; under one that asks the readers
        # ("Was denkt ihr?", "Wann geht bei euch die Saison los?") it goes on asking them
        found.add("question_section")
    if signals.is_signed_letter(block.text or "", following.text or "" if following is not None else ""):
        found.add("signed_letter")
    return found


def asks_the_readers(heading: str, lexicon: Lexicon) -> bool:
    """A question heading put to the readers ("Was denkt ihr?", "Wann geht bei euch die Saison los?"), not one of
    advice that the section answers ("Should you buy it?", "Wie viel solltest du sparen?")."""
    return signals.addresses_reader(heading, lexicon) and not grammar.asks_for_advice_or_self(
        grammar.core_clause(heading, lexicon), lexicon
    )


def closing_asks_readers(finder: _Finder) -> bool:
    """Whether the closing paragraphs put a question to the readers, invite replies or ask the title's
    question again: then a question in the title opens a debate rather than announcing what the
    article explains."""
    title_keys = {
        dedupe_key(grammar.strip_opener(sentence.text, finder.lexicon))
        for sentence in split_sentences(finder.article.title or "", finder.language)
        if terminal_question_mark(sentence) is not None
    }
    for index in sorted(finder._closing):
        block = finder.blocks[index]
        if block.kind not in BODY_KINDS:
            continue
        text = block.text or ""
        if "?" in text:
            for sentence in finder.sentences(index):
                if terminal_question_mark(sentence) is None:
                    continue
                if signals.is_stock_phrase(sentence.text, finder.lexicon):
                    continue
                if signals.addresses_reader(sentence.text, finder.lexicon):
                    return True
                if dedupe_key(grammar.strip_opener(sentence.text, finder.lexicon)) in title_keys:
                    return True
        if signals.invites_reply(text[:200], finder.lexicon):
            return True
    return False
