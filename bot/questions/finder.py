"""Find the questions an article asks its readers and turn each into a poll draft.

The finder reads the article's title and body blocks (whatever was outside the body — navigation,
cookie banners, related posts, comments, footer — never reaches it), splits blocks into sentences
and judges every sentence that ends with a question mark with the named rules in `RULES`:
structural rules first (quoted, bracketed, interview, heading, title), then the grammar of the
question itself (kind), then the sentence after it (answered right away?).

Every question the rules let through then gets a confidence from named signals (bot/questions/signals.py:
addressed to the reader, position, first person, part of a run of questions, interview structure, …);
below `signals.MIN_CONFIDENCE` it is no poll ("low_confidence"). Precision comes first: a wrong poll in a
real thread is noise, a missed one is only a missed chance.

`explain_questions` returns every judgement with the rule that decided it, its confidence and signals;
`find_questions` keeps the polls, fitted to Discord's limits, without duplicates, and at most
`max_per_article` of them (the most confident, in article order).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.articles.model import Article, Block
from bot.questions import answers, audience, calls, followups, grammar, kinds, leadins, signals
from bot.questions.fit import MAX_QUESTION_CHARS, dedupe_key, fit_options, normalise_space, trim_at_word
from bot.questions.lexicon import Lexicon, lexicon_for
from bot.questions.model import TITLE_POSITION, PollDraft, PollKind
from bot.questions.evidence import BODY_KINDS, Candidate, signals_present
from bot.questions.sentences import Sentence, enclosed_mask, first_sentence, split_sentences, terminal_question_mark

RULES: dict[str, str] = {  # kinds, then the rules of no poll
    "named_alternatives": "choice: the question names two or more alternatives around oder/or",
    "confirmation_tag": "yes_no: a statement with a tag (…, oder? / …, right? / … or not?)",
    "wh_question": "open: an interrogative (W-/wh-word) opens the question and it addresses the reader",
    "verb_first": "yes_no: a finite verb opens the question (Sind …? Do you …?)",
    "asks_for_input": "open: a yes/no question whether the reader has tips, ideas or suggestions (Habt ihr Tipps?)",
    "alternative_question": "choice: a yes/no question and, as the next sentence, its alternative (Ist das zu langsam? "
    "Oder sind wir auf dem richtigen Weg?)",
    "declarative_question": "yes_no: a statement or phrase said as a question (Vier Tage arbeiten, fünf bezahlt?)",
    "listed_options": "choice: a W-question and, as the next sentence, the alternatives to pick from (What would make "
    "you switch? Price, sound, or something else?)",
    "naming_question": "open: a yes/no frame that asks the reader to name something (Can you think of …? / Are there other …?)",
    # not polls
    "quote_block": "the question stands in a block quotation",
    "quoted_speech": "the question mark is inside quotation marks",
    "reported_speech": "someone else's question after a verb of asking and a colon (… fragte: Warum …?)",
    "parenthetical_aside": "the question is an aside in parentheses",
    "interview_question": "a labelled interview or Q&A line (Redaktion: …, Q: …)",
    "qa_prompt": "a question paragraph answered by the next paragraph, repeated as in interviews and FAQs",
    "heading_answered_by_section": "a heading whose section answers it",
    "expository_title": "a title the article answers (What is X? / the first sentence answers it)",
    "author_question": "a W-/wh-question that does not address the reader: the author's own, to be answered",
    "fragment": "fewer than three words and no alternatives (Produktiver? Der Grund?)",
    "factive_prompt": "Did you know that …? / Wusstest du, dass …?: a fact dressed as a question",
    "reveal": "Did you notice it? / Hast du es gemerkt?: whether the reader caught what the text did, which the next sentence reveals",
    "fact_teaser": "Did you know honey never spoils?: a fact told as a question without 'that'",
    "hedged_guess": "Maybe you …? / Perhaps it …?: the writer's guess at the reader's situation, a statement with a question mark",
    "answer_marker": "the next sentence opens like an answer (Weil/Because/Ja/No/Probably/Die Antwort …)",
    "answer_names_alternative": "the next sentence opens with one of the named alternatives",
    "short_reply": "the next sentence is a reply of one or two words (Kaum. / A little.)",
    "echo_answer": "the next sentence answers in the question's words, turned round (Could it be …? It could …)",
    "assertive_question": "a statement said as a question that the author carries on from in the same paragraph "
    "(Ever tried …? Then you know …): it presupposes its answer",
    "expository_question": "a W-question of advice (should you …?) or about the writer, followed by the explanation",
    "duplicate": "the same question was already found (e.g. the title repeated in the body)",
    "options_of_question": "the alternatives that the question before it offers (the W-question's listed options, the yes/no question's other side: Or …?)",
    "does_not_fit": "nothing of the question or its options fits Discord's limits without cutting a word",
    "low_confidence": "the signals do not show a question put to the readers (confidence below the minimum)",
    "over_cap": "the article has more confident polls than the cap (max_per_article)",
}

_FOOTNOTE = re.compile(r"\s*(?:\[\^[\w-]{1,12}\]:?|\[\d{1,3}\])\s+\S")  # "[^1]: …", "[2] …": a footnote or reference
_LAST_SENTENCE = re.compile(r"(?<=[.!?…:])\s+(?=\S)")
_SPEAKER_LABEL = re.compile(r"^\s*([^\W\d_][\w.'’&\- ]{0,40}?)\s?:\s+\S")
CLOSING_PARAGRAPHS = 4  # the last paragraphs of the body, where calls to action stand
AFTER_SENTENCES = 6  # how far into its paragraph a question's signals look (keeps a huge paragraph linear)
MIN_ANSWER_CHARS = 80  # a paragraph this long after a question paragraph can be its answer


@dataclass(frozen=True)
class QuestionVerdict:
    """One question-like sentence and what the finder made of it."""

    question: str
    position: int
    is_poll: bool
    rule: str  # the rule in RULES that decided
    kind: PollKind | None = None
    options: tuple[str, ...] = ()
    confidence: float = 0.0  # from the signals (see bot/questions/signals.py); 0 when a rule excluded it first
    signals: tuple[str, ...] = ()  # the names of the signals present, in SIGNALS order


def find_questions(article: Article, max_per_article: int | None = None) -> list[PollDraft]:
    """The article's reader questions as poll drafts, ordered by position (title first); with
    `max_per_article`, only that many: the most confident, still in article order."""
    return [
        PollDraft(
            question=verdict.question,
            kind=verdict.kind,
            options=verdict.options,
            position=verdict.position,
            confidence=verdict.confidence,
        )
        for verdict in _capped(_Finder(article, explain_all=False).run(), max_per_article)
        if verdict.is_poll and verdict.kind is not None
    ]


def explain_questions(article: Article, max_per_article: int | None = None) -> list[QuestionVerdict]:
    """Every question-like sentence of the title and body with the rule that decided about it."""
    return _capped(_Finder(article, explain_all=True).run(), max_per_article)


def _capped(verdicts: list[QuestionVerdict], max_per_article: int | None) -> list[QuestionVerdict]:
    return apply_cap(verdicts, max_per_article) if max_per_article is not None else verdicts


def apply_cap(verdicts: list[QuestionVerdict], max_per_article: int) -> list[QuestionVerdict]:
    """Keep the `max_per_article` most confident polls (the earlier one on a tie); the rest become "over_cap"."""
    polls = [index for index, verdict in enumerate(verdicts) if verdict.is_poll]
    ranked = sorted(polls, key=lambda index: (-verdicts[index].confidence, index))
    dropped = set(ranked[max(max_per_article, 0) :])
    return [
        replace(verdict, is_poll=False, rule="over_cap") if index in dropped else verdict
        for index, verdict in enumerate(verdicts)
    ]


class _Finder:
    def __init__(self, article: Article, *, explain_all: bool = True) -> None:
        """`explain_all`: weigh the signals of every question, not only of those the rules let through
        (for `explain_questions`; finding polls needs only the latter)."""
        self.article = article
        self.explain_all = explain_all
        self.language = "de" if (article.language or "").lower().startswith("de") else "en"
        self.lexicon: Lexicon = lexicon_for(self.language)
        self.blocks: list[Block] = [block for block in article.blocks if isinstance(block, Block)]
        self._sentences: dict[int, list[Sentence]] = {}
        self._headings: list[int | None] | None = None  # each block's section heading, worked out when asked

    # -- sentences -------------------------------------------------------------------------------

    def sentences(self, index: int) -> list[Sentence]:
        if index not in self._sentences:
            self._sentences[index] = split_sentences(self.blocks[index].text or "", self.language)
        return self._sentences[index]

    def opening_of(self, index: int) -> str:
        """First sentence of the block after a question, if it is body text (a heading is no answer)."""
        if index >= len(self.blocks) or self.blocks[index].kind not in BODY_KINDS:
            return ""
        if index in self._sentences:
            found = self._sentences[index]
            return found[0].text if found else ""
        return first_sentence(self.blocks[index].text or "", self.language)

    # -- structure -------------------------------------------------------------------------------

    def interview_blocks(self) -> set[int]:
        """Blocks of a labelled dialogue: at least two speaker labels, each used at least twice; and, within it, an
        unlabelled paragraph that asks and is answered by a labelled turn right after it (the interviewer's turn, set
        apart by italics that the text lost: "Have you thought about …? Rob: This is …")."""
        labels: dict[int, str] = {}
        for index, block in enumerate(self.blocks):
            if block.kind not in BODY_KINDS:
                continue
            match = _SPEAKER_LABEL.match(block.text or "")
            if match and len(grammar.words(match.group(1))) <= 4:
                labels[index] = match.group(1).strip().casefold()
        counts: dict[str, int] = {}
        for label in labels.values():
            counts[label] = counts.get(label, 0) + 1
        recurring = {label for label, count in counts.items() if count >= 2}
        if len(recurring) < 2:
            return set()
        turns = {index for index, label in labels.items() if label in recurring}
        first = min(turns)
        return turns | {
            index
            for index in range(first + 1, len(self.blocks) - 1)
            if index not in labels and index + 1 in turns and "?" in (self.blocks[index].text or "")
        }

    def question_only(self, index: int) -> bool:
        text = (self.blocks[index].text or "").strip()
        if not text.endswith("?"):
            return False
        return all(terminal_question_mark(sentence) is not None for sentence in self.sentences(index))

    def qa_prompts(self) -> set[int]:
        """Question-only paragraphs each followed by a paragraph that answers, at least twice."""
        prompts: set[int] = set()
        for index, block in enumerate(self.blocks[:-1]):
            if block.kind not in BODY_KINDS or "?" not in (block.text or "") or not self.question_only(index):
                continue
            following = self.blocks[index + 1]
            if following.kind not in BODY_KINDS or "?" in (following.text or ""):
                continue
            if grammar.is_invitation(self.opening_of(index + 1), self.lexicon) or self.is_footnote(index + 1):
                continue
            prompts.add(index)
        return prompts if len(prompts) >= 2 else set()

    def section_answers(self, heading_index: int) -> bool:
        """A heading's section answers it when it holds at least one statement before the next heading."""
        for block in self.blocks[heading_index + 1 :]:
            if block.kind == "heading":
                return False
            text = (block.text or "").strip()
            if text and not text.endswith("?"):
                return True
        return False

    # -- candidates ------------------------------------------------------------------------------

    def candidates(self) -> list[Candidate]:
        found: list[Candidate] = []
        title = normalise_space(self.article.title or "")
        if "?" in title:
            title_sentences = split_sentences(title, self.language)
            body_opening = next(
                (self.opening_of(index) for index, block in enumerate(self.blocks) if block.kind in BODY_KINDS),
                "",
            )
            quoted, bracketed = enclosed_mask(title)
            for number, sentence in enumerate(title_sentences):
                mark = terminal_question_mark(sentence)
                if mark is None:
                    continue
                rule = _enclosure_rule(sentence.start + mark, quoted, bracketed)
                following = title_sentences[number + 1].text if number + 1 < len(title_sentences) else body_opening
                found.append(Candidate(sentence, TITLE_POSITION, None, following, rule))

        interview = self.interview_blocks()
        prompts = self.qa_prompts()
        runs = self.question_runs()
        for index, block in enumerate(self.blocks):
            text = block.text or ""
            if "?" not in text:
                continue
            sentences = self.sentences(index)
            quoted, bracketed = enclosed_mask(text)
            for number, sentence in enumerate(sentences):
                mark = terminal_question_mark(sentence)
                if mark is None:
                    continue
                if number + 1 < len(sentences):
                    following = sentences[number + 1].text
                else:
                    following = self.opening_of(index + 1)
                previous = sentences[number - 1].text if number > 0 else self.closing_of(index - 1)
                rule = self.structural_rule(index, block, sentence, sentence.start + mark, quoted, bracketed)
                rule = rule or (
                    "interview_question" if index in interview else "qa_prompt" if index in prompts else None
                )
                found.append(
                    Candidate(
                        sentence,
                        index,
                        block,
                        following,
                        rule,
                        number + 1 < len(sentences),
                        previous_sentence=previous,
                        after=[later.text for later in sentences[number + 1 : number + 1 + AFTER_SENTENCES]],
                        run_length=runs.get((index, number), 1),
                        run_key=(index, number),
                    )
                )
        return found

    def closing_of(self, index: int) -> str:
        """Last sentence of a body block before a question ("" for a heading or no block)."""
        if index < 0 or self.blocks[index].kind not in BODY_KINDS:
            return ""
        if index in self._sentences:
            found = self._sentences[index]
            return found[-1].text if found else ""
        tail = (self.blocks[index].text or "")[-300:].strip()
        return _LAST_SENTENCE.split(tail)[-1] if tail else ""  # a cheap cut: only its end matters here

    def question_runs(self) -> dict[tuple[int, int], int]:
        """For each question sentence (block, number): the length of the unbroken row of questions it is
        in. A statement, a block without a question or a heading ends a row. A row of which some question
        addresses the reader counts as addressing it (`self._runs_to_reader`); a row the next statement
        answers with a call to reply ("… ? … ? Schreibt es in die Kommentare!") is invited (`self._runs_invited`);
        a row to the reader of which at least half ask an opinion is a discussion (`self._runs_opinion`)."""
        lengths: dict[tuple[int, int], int] = {}
        row: list[tuple[int, int]] = []
        self._runs_to_reader: set[tuple[int, int]] = set()
        self._runs_invited: set[tuple[int, int]] = set()
        self._runs_opinion: set[tuple[int, int]] = set()
        self._runs_called: set[tuple[int, int]] = set()  # rows opened by a call for replies (calls.opens_with_call)
        # rows a call to reply opens or stands right before or after ("Let me know what you think. Which apps failed?
        # Did …? Toot me!"; the called and invited rows among them): their questions are handed to the readers even
        # where they do not address them
        self._runs_handed: set[tuple[int, int]] = set()
        self._runs_scored: set[tuple[int, int]] = set()  # self-tests: the statement after says what the answers mean
        self._runs_kept: set[tuple[int, int]] = set()  # the writer's own: the statement after keeps them for herself
        # rows a call to reflect opens ("Ask yourself: …? …?", no call to reply after): all for the readers' own asking
        self._runs_reflective: set[tuple[int, int]] = set()
        before_row = ""  # the statement before the row that is growing

        def close(following: str = "") -> None:
            texts = [self.sentences(index)[number].text for index, number in row]
            called = bool(row) and calls.opens_with_call(texts[0], before_row, self.lexicon)
            to_reader = called or (len(row) >= 3 and any(signals.addresses_reader(text, self.lexicon) for text in texts))
            invited = called or (len(row) >= 2 and bool(following) and signals.invites_reply(following, self.lexicon))
            handed = invited or (bool(row) and signals.invites_reply(before_row, self.lexicon))
            # a row that mostly asks the readers' opinion or taste is a discussion, not a checklist to ask oneself
            opinion = to_reader and (
                2 * sum(signals.asks_opinion(text, self.lexicon) for text in texts) >= len(row)
                or (bool(row) and self.under_opinion_heading(row[0][0]))
            )
            scored = len(row) >= 2 and signals.scores_answers(following)
            kept = len(row) >= 2 and signals.keeps_for_self(following)
            reflective = len(row) >= 2 and not invited and (
                signals.opens_reflection(before_row, texts[:1], self.lexicon)
                or signals.leads_into_reflection(texts[0], self.lexicon)
            )
            for key in row:
                if reflective:
                    self._runs_reflective.add(key)
                if scored:
                    self._runs_scored.add(key)
                if kept:
                    self._runs_kept.add(key)
                if called:
                    self._runs_called.add(key)
                if opinion:
                    self._runs_opinion.add(key)
                lengths[key] = len(row)
                if to_reader:
                    self._runs_to_reader.add(key)
                if invited:
                    self._runs_invited.add(key)
                if handed:
                    self._runs_handed.add(key)
            row.clear()

        for index, block in enumerate(self.blocks):
            text = block.text or ""
            if "?" not in text or block.kind == "heading":
                close(self.opening_of(index) if row and block.kind in BODY_KINDS else "")
                before_row = self.closing_of(index) if block.kind in BODY_KINDS else ""
                continue
            for number, sentence in enumerate(self.sentences(index)):
                if terminal_question_mark(sentence) is None:
                    close(sentence.text if row else "")
                    before_row = sentence.text
                else:
                    row.append((index, number))
        close()
        return lengths

    def under_opinion_heading(self, index: int) -> bool:
        """The block right under a heading that asks the readers' opinion ("Was denkt ihr?", "What do you think?"): its
        questions are the discussion the heading opens, not a checklist."""
        if index < 1 or self.blocks[index - 1].kind != "heading":
            return False
        return signals.asks_opinion(self.blocks[index - 1].text or "", self.lexicon)

    def interview_prompts(self) -> set[int]:
        """Blocks of an interview without speaker labels: bold paragraphs (the interviewer's, questions or
        not) each followed by a longer plain answer, or paragraphs opening with a bold question, at least
        three times in the article (twice when every one is a question). Returns those that ask."""
        prompts: list[int] = []
        for index, block in enumerate(self.blocks[:-1]):
            if block.kind not in BODY_KINDS or not block.emphasis:
                continue
            if block.emphasis == "lead":
                first = self.sentences(index)[:1] if "?" in (block.text or "") else []
                if first and terminal_question_mark(first[0]) is not None and len(self.sentences(index)) > 1:
                    prompts.append(index)
                continue
            following = self.blocks[index + 1]
            answers = following.kind == "quote" or (following.kind in BODY_KINDS and not following.emphasis)
            if answers and len(following.text or "") > len(block.text or ""):  # an answer set as a quotation counts
                prompts.append(index)
        asking = {index for index in prompts if "?" in (self.blocks[index].text or "")}
        whole = {index for index in asking if self.blocks[index].emphasis == "whole"}
        enough = len(asking) >= 3 or (len(asking) == 2 and whole == asking)
        if enough and 2 * len(asking) >= len(prompts):
            return asking
        return set()

    def paragraph_prompts(self) -> set[int]:
        """Paragraphs that end with a question and are followed by a longer paragraph of statements, when
        an article has at least three: an interview whose questions carry a lead-in ("Sie sagen … Wie
        deuten Sie das?"), or an argument that asks and answers as it goes."""
        prompts: set[int] = set()
        for index, block in enumerate(self.blocks[:-1]):
            if block.kind != "paragraph" or not grammar.ends_with_question_mark(block.text or ""):
                continue
            following = self.blocks[index + 1]
            text = following.text or ""
            if following.kind not in ("paragraph", "quote") or len(text) < MIN_ANSWER_CHARS:
                continue
            opening = "" if following.kind == "quote" else self.opening_of(index + 1)
            if grammar.ends_with_question_mark(opening) or signals.invites_reply(opening, self.lexicon):
                continue
            prompts.add(index)
        return prompts if len(prompts) >= 3 else set()

    def section_heading(self, index: int) -> int | None:
        """The heading of the section block `index` stands in (None before the first heading)."""
        if self._headings is None:
            self._headings = []
            current = None
            for position, block in enumerate(self.blocks):
                self._headings.append(current)
                if block.kind == "heading":
                    current = position
        return self._headings[index] if 0 <= index < len(self._headings) else None

    def answered_below(self, index: int) -> bool:
        """The next block is a paragraph of statements long enough to be an answer (an interview's); one that
        ends with a colon announces a list or example, it does not reply."""
        if index + 1 >= len(self.blocks) or self.blocks[index + 1].kind not in ("paragraph", "quote"):
            return False
        if self.is_footnote(index + 1) or calls.is_disclosure(self.blocks[index + 1].text or ""):  # no answer to it
            return False
        text = (self.blocks[index + 1].text or "").strip()
        return len(text) >= MIN_ANSWER_CHARS and not text.endswith(("?", ":")) and not signals.invites_reply(text[:200], self.lexicon)

    def is_footnote(self, index: int) -> bool:
        """A footnote or reference paragraph ("[^1]: As of 2024 …", "[2] Smith, J. (2019) …"): no answer to the
        question before it, and the article's text ends where the footnotes begin."""
        return 0 <= index < len(self.blocks) and _FOOTNOTE.match(self.blocks[index].text or "") is not None

    def end_of_article(self) -> int:
        """Index of a block that ends the article before the site's link lists ("Related stories", "Mehr zum
        Thema"), in the second half of the body; the number of blocks when there is none."""
        for index in range(len(self.blocks) // 2, len(self.blocks)):
            text = (self.blocks[index].text or "").strip().rstrip(":").casefold()
            if len(text) <= 40 and text in self.lexicon.end_markers:
                return index
            if self.is_footnote(index):  # the footnotes close the text: the closing stands before them
                return index
        return len(self.blocks)

    def continues_list(self, index: int) -> bool:
        """A list item right after another: part of the same list."""
        return index > 0 and self.blocks[index].kind == "list_item" and self.blocks[index - 1].kind == "list_item"

    def body_paragraphs(self) -> list[int]:
        return [index for index, block in enumerate(self.blocks) if block.kind in ("paragraph", "list_item")]

    def structural_rule(
        self, index: int, block: Block, sentence: Sentence, mark: int, quoted: list[bool], bracketed: list[bool]
    ) -> str | None:
        if block.kind == "quote":
            return "quote_block"
        rule = _enclosure_rule(mark, quoted, bracketed)
        if rule and not (rule == "parenthetical_aside" and audience.aside_to_reader(sentence, bracketed, self.lexicon)):
            return rule
        if grammar.reported_speech_lead(sentence.text, self.lexicon):
            return "reported_speech"
        if block.kind == "heading" and self.section_answers(index):
            return "heading_answered_by_section"
        return None

    # -- judgement -------------------------------------------------------------------------------

    def run(self) -> list[QuestionVerdict]:
        paragraphs = self.body_paragraphs()
        self._lead = paragraphs[0] if paragraphs else None
        self._opening = frozenset(paragraphs[:2])  # where an article opens a conversation (opens_with_reader)
        end = self.end_of_article()
        before_end = [index for index in paragraphs if index < end] or paragraphs
        # the closing: from the fourth-last paragraph on (before the site's link lists), headings between included;
        # a list counts as one paragraph, so that a closing list (sources, links, a recipe's steps) does not push
        # the paragraph before it out of the closing
        units = [index for index in before_end if not self.continues_list(index)]
        start = units[-CLOSING_PARAGRAPHS] if len(units) >= CLOSING_PARAGRAPHS else 0
        self._closing = set(range(start, min(end, len(self.blocks)))) if paragraphs else set()
        self._interview = self.interview_prompts() | self.paragraph_prompts()
        self._title_asks = False
        self._closing_asks: bool | None = None  # worked out when a title question needs it
        title = self.article.title or ""
        self._title_names_guest = signals.named_addressee(title, self.lexicon)
        self._title_interview = signals.announces_interview(title)
        verdicts: list[QuestionVerdict] = []
        seen: set[str] = set()
        listed: tuple[int, str] | None = None  # the sentence a W-question took its options from
        for candidate in self.candidates():
            verdict = self.judge(candidate)
            if listed == (candidate.position, candidate.sentence.text.strip()) and verdict.is_poll:
                verdict = replace(verdict, is_poll=False, rule="options_of_question", options=())
            if verdict.is_poll or self.explain_all:
                present = signals_present(self, candidate, verdict)
                verdict = replace(verdict, confidence=round(signals.confidence(present), 3), signals=present)
            if verdict.is_poll and verdict.kind is PollKind.YES_NO and followups.asks_to_write(candidate.next_sentence, self.lexicon):
                verdict = replace(verdict, kind=PollKind.OPEN, options=())  # "Fallen dir weitere ein? Dann schreib …"
            if verdict.is_poll and verdict.kind is PollKind.YES_NO and candidate.same_block_next:
                labels = kinds.alternative_after(verdict.question, candidate.next_sentence, self.lexicon)
                if labels:
                    verdict = replace(verdict, kind=PollKind.CHOICE, options=labels, rule="alternative_question")
                    listed = (candidate.position, candidate.next_sentence.strip())  # "Or …?" is its other side
            if verdict.is_poll and verdict.rule == "wh_question" and candidate.same_block_next:
                labels = kinds.options_listed_after(candidate.next_sentence, self.lexicon)
                if labels:
                    verdict = replace(verdict, kind=PollKind.CHOICE, options=labels, rule="listed_options")
                    listed = (candidate.position, candidate.next_sentence.strip())
            if verdict.is_poll and verdict.confidence < signals.MIN_CONFIDENCE:
                verdict = replace(verdict, is_poll=False, rule="low_confidence")
            if (candidate.position == TITLE_POSITION and verdict.is_poll and (
                    not {"reader_address", "debate_article"} & set(verdict.signals)
                    or leadins.is_column_title(candidate.sentence.text))):  # "142: Is It Time …?", "Ask the …: …?"
                # a title that asks no one and whose closing asks the readers nothing is the question the article
                # takes up ("Which role has priority: Chair or Advisor?"); the one title poll of the tuning split
                # asks the readers ("What's In Your Bag?")
                verdict = replace(verdict, is_poll=False, rule="expository_title")
            if candidate.position == TITLE_POSITION and verdict.is_poll:
                self._title_asks = True  # a debate title: the body's open questions belong to the debate
            if verdict.is_poll:
                verdict = self.fit(verdict)
            if verdict.is_poll:
                key = dedupe_key(grammar.core_clause(verdict.question, self.lexicon))  # "What do you think: …" too
                if key in seen:
                    verdict = replace(verdict, is_poll=False, rule="duplicate", options=())
                seen.add(key)
            verdicts.append(verdict)
        return verdicts

    def judge(self, candidate: Candidate) -> QuestionVerdict:
        lexicon = self.lexicon
        is_title = candidate.position == TITLE_POSITION
        text = candidate.sentence.text if is_title else grammar.strip_opener(candidate.sentence.text, lexicon)
        if not is_title:  # "Some questions we have: Do you …?" asks "Do you …?"
            text = grammar.strip_question_announcement(text, lexicon)
        text = normalise_space(text)
        position = candidate.position

        def no(rule: str, kind: PollKind | None = None) -> QuestionVerdict:
            return QuestionVerdict(text, position, False, rule, kind)

        if candidate.structural_rule:
            return no(candidate.structural_rule)

        kind, options, kind_rule = kinds.classify(text, self.lexicon)
        clause = grammar.core_clause(text, lexicon)
        if kind is not PollKind.CHOICE and grammar.word_count(grammar.question_body(text)) < 3:
            return no("fragment", kind)
        if grammar.is_factive_prompt(clause, lexicon):
            return no("factive_prompt", kind)
        if grammar.is_fact_teaser(clause, lexicon):
            return no("fact_teaser", kind)
        if grammar.is_hedged_guess(clause, lexicon):
            return no("hedged_guess", kind)
        handed = (
            candidate.same_block_next and leadins.precedes_reader_prompt(candidate.next_sentence, lexicon)
        ) or leadins.in_feedback_list(self.blocks, position, lexicon)  # "Share your experiences: · What went well?"
        handed = handed or candidate.run_key in self._runs_handed  # "We'd like to hear from you: … ? What …?" too
        handed = handed or signals.call_to_reply_follows(candidate.next_sentence, candidate.same_block_next, lexicon)
        handed = handed or grammar.asks_writers_next_step(text, lexicon)  # "Welches Thema sollen wir als Nächstes …?"
        if kind is PollKind.OPEN and kind_rule != "asks_for_input" and not grammar.addresses_reader(text, lexicon) and not handed:
            return no("expository_title" if is_title else "author_question", kind)
        answered = answers.answer_rule(candidate.next_sentence, options, lexicon)
        if not answered and answers.echoes_question(text, candidate.next_sentence, lexicon):
            answered = "echo_answer"
        if answered:
            return no("expository_title" if is_title else answered, kind)
        if candidate.same_block_next and grammar.is_reveal_question(text) and not (
            candidate.next_sentence.rstrip().endswith("?") or signals.invites_reply(candidate.next_sentence, lexicon)
        ):  # "Did you notice it? I didn't write a thing!" (an exclamation is no call to reply here)
            return no("reveal", kind)
        if (
            kind_rule == "declarative_question"
            and candidate.same_block_next
            and _is_statement(candidate.next_sentence, lexicon)
            and not followups.leaves_open(candidate.next_sentence, lexicon)  # "Ob …? Die Frage bleibt offen."
        ):
            return no("assertive_question", kind)
        if (
            kind is PollKind.OPEN
            and grammar.asks_for_advice_or_self(clause, lexicon)
            and _is_statement(candidate.next_sentence, lexicon)
            and not grammar.asks_writers_next_step(clause, lexicon)  # the readers are asked, nobody explains
        ):
            return no("expository_question", kind)
        return QuestionVerdict(text, position, True, kind_rule, kind, options)

    def fit(self, verdict: QuestionVerdict) -> QuestionVerdict:
        question = trim_at_word(verdict.question, MAX_QUESTION_CHARS)
        options = verdict.options
        if verdict.kind is PollKind.CHOICE:
            options = fit_options(options)
            if len(options) < 2:
                question = None
        if not question:
            return replace(verdict, is_poll=False, rule="does_not_fit", options=())
        return replace(verdict, question=question, options=options)


def _enclosure_rule(mark: int, quoted: list[bool], bracketed: list[bool]) -> str | None:
    if 0 <= mark < len(quoted) and quoted[mark]:
        return "quoted_speech"
    if 0 <= mark < len(bracketed) and bracketed[mark]:
        return "parenthetical_aside"
    return None


def _is_statement(sentence: str, lexicon: Lexicon) -> bool:
    stripped = sentence.strip()
    invites = grammar.is_invitation(stripped, lexicon) or signals.invites_reply(stripped, lexicon)  # "Share yours below."
    return bool(stripped) and not stripped.endswith("?") and not invites
