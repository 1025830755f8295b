"""English word classes for the question rules (see `lexicon.Lexicon`)."""

from __future__ import annotations

from bot.questions.lexicon import Lexicon


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_AUXILIARIES = _words(
    """
    am is are was were be do does did have has had will would shall should can could may might must
    isn't aren't wasn't weren't don't doesn't didn't haven't hasn't hadn't won't wouldn't shan't
    shouldn't can't couldn't mightn't mustn't ain't
    """
)

LEXICON = Lexicon(
    language="en",
    yes_no_options=("Yes", "No", "Not sure"),
    wh_words=_words("what what's whats who who's whom whose which where where's when when's why why's how how's"),
    prepositions=_words("in on at for with from to by since until of about"),
    finite_auxiliaries=_AUXILIARIES,
    subject_pronouns=_words("you we i they it he she there this that anyone anybody someone"),
    reader_pronouns=_words("you your yours yourself yourselves y'all you're you've you'd you'll"),
    polite_pronouns=frozenset(),
    first_person_singular=_words("i"),
    advice_modals=_words("should must need needs"),
    discourse_openers=_words("and but so well now"),
    subordinators=_words("if unless once while whilst since"),
    alternative_conjunction="or",
    correlative="either",
    confirmation_tags=(
        "or not",
        "right",
        "isn't it",
        "aren't they",
        "don't you",
        "didn't it",
        "wasn't it",
        "won't it",
        "no",
        "yes",
        "eh",
        "huh",
    ),
    binomials=("more or less", "sooner or later", "one way or another", "or so", "give or take", "whether or not"),
    knowledge_verbs=_words("know knew"),
    speech_verbs=_words("asked asks ask wondered wonders wrote writes said says tweeted posted"),
    reflexive_objects=_words("myself ourselves"),
    answer_openers=_words(
        """
        no nope not never hardly rarely probably likely unlikely certainly definitely absolutely surely
        obviously clearly mostly because sadly unfortunately fortunately luckily about around roughly
        approximately partly neither
        """
    ),
    answer_particles=_words("yes yep yeah sure well maybe perhaps exactly indeed"),
    answer_phrases=(
        "the answer",
        "the short answer",
        "short answer",
        "in short",
        "simply put",
        "of course",
        "it depends",
        "that depends",
        "depends",
        "the reason",
        "it turns out",
        "turns out",
        "let's find out",
        "let's see",
        "let's take a look",
        "let's look",
        "here's why",
        "here is why",
        "here's how",
        "here is how",
        "on the contrary",
    ),
    negations=_words("not no never n't none nothing"),
    answer_nouns=("the answer", "my answer", "our answer", "simple answer", "short answer", "answer is"),
    speaker_objects=_words("us me"),
    reply_channels=("comment",),
    alternative_stops=_words("you we i they it he she rather prefer more better") | _AUXILIARIES,
    articles=_words("the a an"),
    numerals=_words("one two three four five six seven eight nine ten eleven twelve twenty hundred"),
    first_person_subjects=_words("i we i'm i've i'd i'll we're we've we'd we'll"),
    self_ask_phrases=(
        "i wonder", "we wonder", "i wondered", "we wondered", "i asked myself", "we asked ourselves",
        "i ask myself", "we ask ourselves", "asking myself", "asking ourselves", "the question is",
        "the question remains", "begs the question", "raises the question",
    ),
    invitation_phrases=(
        "let's hear", "now it's your turn", "now it is your turn", "over to you", "let me know", "let us know", "tell me", "tell us", "share your", "share it", "drop me",
        "drop us", "leave a", "write to", "i'd love to hear", "i would love to hear", "we'd love to hear",
        "love to hear", "like to hear", "hear from you", "curious to hear", "curious to read", "your answers", "reply below", "reply in", "reply to this", "your thoughts", "your experience",
        "your favourite", "your favorite", "vote below", "vote now", "vote in the", "vote in our", "vote on our", "cast your vote", "vote for your", "send it to", "send them to", "send us", "email us", "e-mail us",
        "appreciate feedback", "appreciate your feedback", "appreciate any feedback", "welcome feedback",
        "welcome your feedback", "welcome comments", "welcome your comments", "love to know", "like to know",
        "i'm asking you", "we're asking you", "i ask you", "help me decide", "help us decide", "leaving it to you",
        "leave it to you",  # not "you decide": "questions that may help you decide:" opens a checklist
    ),
    interjections=_words("so well now ok okay and"),
    stock_phrases=(
        "article helpful", "post helpful", "page helpful", "was this helpful", "find this helpful", "did you find this useful",
        "found this useful", "post useful", "article useful", "review useful", "review helpful", "guide useful",
        "guide helpful", "tutorial useful", "tutorial helpful",
        "did you like this", "did you enjoy this", "enjoy this article", "enjoy this post", "enjoyed this article",
        "enjoyed this post", "like this article", "have any questions",
        "got any questions", "have questions", "got questions", "any questions", "have a question", "got a question",
        "news tip", "a tip for us", "story tip", "something to add",
        "got your ticket", "got your tickets", "bought your ticket", "bought your tickets",
        "anything to add", "found a mistake", "spot a mistake", "found an error",
        "how are you", "how are y'all", "how's it going", "enjoying the show", "enjoy the show", "enjoying the podcast",
        "like the podcast", "like the show",
    ),
    reply_places=(
        "in the comments", "in the comment", "comment below", "comments below", "a comment", "comment section",
        "drop your recommendations", "drop your suggestions", "drop your tips", "drop your thoughts", "drop your ideas",
        "drop them below", "drop it below", "share them below", "share it below",
        "comments section", "in a comment", "the comments", "reply below", "hit reply", "in the replies",
    ),
    promotion_labels=_words("tip sponsored ad advertisement quiz giveaway promo"),
    offer_phrases=(
        "sign up", "subscribe", "click here", "click the", "apply now", "apply today", "apply here", "call us",
        "call now", "contact us", "get in touch", "register", "join us", "join our", "we're hiring", "we are hiring",
        "book now", "book a", "download", "learn more", "find out more", "read more", "more info", "order now",
        "shop now", "free trial", "try it free", "we can help", "we offer", "helpline", "hotline", "visit our",
        "check out our", "here's how", "look no further", "happy to help", "glad to help", "here to help",
        "% off", "discount", "coupon", "promo code", "with the code", "use the code", "use code",
    ),
    recruiting_words=(
        "hiring", "apply now", "apply today", "apply here", "your application", "job opening", "open position",
        "open positions", "vacancy", "vacancies", "join our team", "join the team", "new challenge", "looking for a job",
        "career", "careers",
    ),
    naming_frames=(
        "can you think of", "could you think of", "can you name", "could you name", "are there other",
        "are there any other", "are there particular", "are there specific", "is there another", "is there any other",
        "is there anything else",
        # "Can you recommend a good book?": the answer is the book (not "Would you recommend it?", a yes or no)
        *(f"{modal} you {verb} {what}" for modal in ("can", "could") for verb in ("recommend", "suggest")
          for what in ("a", "an", "any", "some", "other", "good", "me", "us", "your")),
    ),
    fact_teasers=("did you know", "did you also know", "did you ever know"),
    hedges=_words("maybe perhaps possibly"),
    widget_prompts=(
        "did you make this", "have you made this", "made this", "did you try this", "have you tried this", "tried this",
        "would you like to save this", "do you want to save this", "want to save this", "save this", "pin this",
        "love this", "rate this",
    ),
    contribution_calls=(
        "use this form", "use the form", "use our form", "fill out", "fill in", "complete this form", "submit",
        "drop by", "stop by", "come by", "swing by", "come say", "come and say", "say hello", "say hi", "join us",
        "join our", "come join", "head over to our", "find us on", "get involved",
    ),
    reflection_openers=(
        "think about your", "think back to", "think back on", "think of your own", "reflect on", "take a moment to",
        "take a minute to", "consider your own", "ask yourself", "ask yourselves", "be honest with yourself",
        "here's the test", "here is the test",
    ),
    question_nouns=_words("question questions"),
    left_open_phrases=(
        "question remains open", "question is still open", "question stays open", "an open question",
        "remains an open question", "i'm curious what you", "i'm curious how you",
    ),
    opinion_phrases=(
        "do you think", "what do you think", "would you", "do you like", "do you love", "do you prefer",
        "would you rather", "how do you feel", "how would you", "are you a fan",
        "are you surprised", "your opinion", "your take", "what's your", "what is your", "what are your",
        "which do you", "which would you",
    ),
    end_markers=(
        "related stories", "related articles", "related posts", "related", "read more", "read next",
        "more stories", "you may also like", "you might also like", "more from", "recommended",
    ),
)
