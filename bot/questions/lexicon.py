"""The closed word classes the question rules need, one `Lexicon` per language.

The rules in `grammar.py` are the same for German and English; only these word classes differ.
Everything here is grammar (pronouns, auxiliaries, interrogatives, conjunctions, answer openers),
not phrases taken from particular articles.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lexicon:
    language: str
    yes_no_options: tuple[str, str, str]
    # interrogative words that open a W-/wh-question
    wh_words: frozenset[str]
    # prepositions that may stand before an interrogative ("Mit welchem …", "In which …")
    prepositions: frozenset[str]
    # finite auxiliaries and modals: a clause opening with one of them is verb-first
    finite_auxiliaries: frozenset[str]
    # pronouns that, standing second, show the first word is a finite verb ("Nutzt ihr …", "Lohnt sich …")
    subject_pronouns: frozenset[str]
    # second-person address (the reader), case-insensitive
    reader_pronouns: frozenset[str]
    # polite second person, recognised only when capitalised inside the sentence (German "Sie")
    polite_pronouns: frozenset[str]
    # first-person singular: a question about the writer's own situation ("Wie kündige ich?")
    first_person_singular: frozenset[str]
    # modals of advice: "Wie viel solltest du sparen?" announces the author's own advice
    advice_modals: frozenset[str]
    # conjunction and particles that may open a question without changing it ("Und …", "So, …")
    discourse_openers: frozenset[str]
    # subordinators that open a conditional lead-in before the question proper ("Wenn ja, …")
    subordinators: frozenset[str]
    # the disjunction that joins named alternatives
    alternative_conjunction: str
    # "either" / "entweder", dropped from the first alternative
    correlative: str
    # confirmation tags that end a statement and turn it into a yes/no question ("…, oder?")
    confirmation_tags: tuple[str, ...]
    # fixed binomials with the disjunction that name no alternatives ("more or less")
    binomials: tuple[str, ...]
    # verbs of knowing: "Did you know …?" presents a fact, it does not ask
    knowledge_verbs: frozenset[str]
    # verbs of saying/asking that introduce someone else's question after a colon
    speech_verbs: frozenset[str]
    # reflexive objects that make the speaker the asker ("Ich frage mich: …")
    reflexive_objects: frozenset[str]
    # first words that open an answer: a reply particle, a modal adverb, a causal conjunction
    answer_openers: frozenset[str]
    # reply particles that count only when punctuation follows ("Ja, …", "Well, …")
    answer_particles: frozenset[str]
    # multi-word answer openers ("Die Antwort", "It depends")
    answer_phrases: tuple[str, ...]
    # negation: "…, oder ist das keine Option?" offers the negation of the first clause, not an alternative
    negations: frozenset[str]
    # "Für mich lautet die Antwort nein": a next sentence that names the answer early answers the question
    answer_nouns: tuple[str, ...]
    # objects of an imperative addressed to the reader: "Schreib uns", "Tell us", "Sag mir"
    speaker_objects: frozenset[str]
    # nouns naming the place to reply ("in die Kommentare")
    reply_channels: tuple[str, ...]
    # stop words that end the first alternative when scanning back from the disjunction
    alternative_stops: frozenset[str]
    # articles: a new noun phrase after the last alternative belongs to both ("… or a tablet for school")
    articles: frozenset[str]
    # numerals: "zwei oder drei" is a range, not a choice
    numerals: frozenset[str]
    # --- word classes of the confidence signals (bot/questions/signals.py) ---
    # first-person subject pronouns: the author asking themself ("Würde ich es noch einmal machen?")
    first_person_subjects: frozenset[str] = frozenset()
    # "wir fragen uns", "I wonder": the author's own question, announced as such
    self_ask_phrases: tuple[str, ...] = ()
    # imperatives and phrases that invite a reply ("schreibt es in die Kommentare", "let me know")
    invitation_phrases: tuple[str, ...] = ()
    # interjections that may open a closing question to the reader ("Na, hast du …?", "So, have you …?")
    interjections: frozenset[str] = frozenset()
    # where readers reply, as phrases ("in die Kommentare", "in the comments"): "this comment" is no invitation
    reply_places: tuple[str, ...] = ()
    # the site's formulas around an article: feedback widgets, "any questions?", "something to add?"
    stock_phrases: tuple[str, ...] = ()
    # labels that mark a promotion rather than a question ("Tipp: Sind Sie ein Experte?")
    promotion_labels: frozenset[str] = frozenset()
    # a sentence after a question that offers a service, a sign-up or a link ("Sign up here", "Mehr Infos:")
    offer_phrases: tuple[str, ...] = ()
    # words of a job advert: "Are you looking for a new challenge? We're hiring" recruits, it does not ask
    recruiting_words: tuple[str, ...] = ()
    # yes/no frames that ask the reader to name something, so the answer is in words ("Can you think of …?")
    naming_frames: tuple[str, ...] = ()
    # openings that tell a fact as a question without "that" ("Did you know …?"): a tease, not a question
    fact_teasers: tuple[str, ...] = ()
    # hedges that open a guess at the reader's situation said as a question ("Maybe you use …?")
    hedges: frozenset[str] = frozenset()
    # site widgets around a recipe or post put as questions ("Did you make this?", "Would you like to save this?")
    widget_prompts: tuple[str, ...] = ()
    # the opening of a sentence that sends the reader to a form, a chat or a meeting place ("Please use this form")
    contribution_calls: tuple[str, ...] = ()
    # imperatives that set the reader thinking about their own life before a question ("Think about your own …")
    reflection_openers: tuple[str, ...] = ()
    # nouns that make a colon lead-in an announcement of questions ("Some questions we have: …?")
    question_nouns: frozenset[str] = frozenset()
    # a sentence after a question that leaves it open on purpose ("Die Frage bleibt offen", "Time will tell")
    left_open_phrases: tuple[str, ...] = ()
    # phrases that ask the reader's taste, opinion or wish ("Was haltet ihr von …", "Do you like …")
    opinion_phrases: tuple[str, ...] = ()
    # a marker that ends the article before the site's link lists ("Related stories", "Mehr zum Thema")
    end_markers: tuple[str, ...] = ()


def lexicon_for(language: str) -> Lexicon:
    """German for "de…", English for everything else (the bot's two languages)."""
    from bot.questions import rules_de, rules_en

    if (language or "").lower().startswith("de"):
        return rules_de.LEXICON
    return rules_en.LEXICON
