"""German word classes for the question rules (see `lexicon.Lexicon`)."""

from __future__ import annotations

from bot.questions.lexicon import Lexicon


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_AUXILIARIES = _words(
    """
    bin bist ist sind seid war warst waren wart wäre wärst wären wärt sei
    habe hast hat haben habt hatte hattest hatten hattet hätte hättest hätten hättet
    werde wirst wird werden werdet wurde wurdest wurden würde würdest würden würdet
    kann kannst können könnt konnte konntest konnten könnte könntest könnten könntet
    muss musst müssen müsst musste musstest mussten müsste müsstest müssten
    soll sollst sollen sollt sollte solltest sollten solltet
    will willst wollen wollt wollte wolltest wollten
    darf darfst dürfen dürft durfte dürfte dürftest dürften
    mag magst mögen mögt mochte möchte möchtest möchten möchtet
    lässt lasst lassen ließ tust tut tun tat gibt gab gäbe geht ging gehört
    """
)

LEXICON = Lexicon(
    language="de",
    yes_no_options=("Ja", "Nein", "Weiß nicht"),
    wh_words=_words(
        """
        was wer wen wem wessen wie wo wann warum weshalb wieso weswegen welche welcher welches welchen
        welchem woher wohin womit wofür worüber wozu wodurch woran worauf woraus wobei wovon wovor worin
        wonach inwiefern inwieweit wieviel wieviele
        """
    ),
    prepositions=_words(
        "mit für von vor nach seit bis ab in an auf aus bei zu über unter um gegen ohne durch zum zur im am beim ins vom"
    ),
    finite_auxiliaries=_AUXILIARIES,
    subject_pronouns=_words("du ihr sie es man wir ich er sich dich euch uns mir dir das dies jemand einer"),
    reader_pronouns=_words(
        "du dich dir dein deine deinen deinem deiner deines euch euer eure euren eurem eurer eures"
    ),
    polite_pronouns=_words("Sie Ihnen Ihr Ihre Ihren Ihrem Ihrer Ihres"),
    first_person_singular=_words("ich"),
    advice_modals=_words("soll sollen sollt sollst sollte solltest sollten solltet muss musst müssen müsst brauchst braucht"),
    discourse_openers=_words("und aber also doch nun na tja"),
    subordinators=_words("wenn falls sofern sobald außer während nachdem bevor solange seit seitdem"),
    alternative_conjunction="oder",
    correlative="entweder",
    confirmation_tags=(
        "oder etwa nicht",
        "oder nicht",
        "nicht wahr",
        "oder",
        "gell",
        "ne",
        "nicht",
        "stimmt's",
        "richtig",
    ),
    binomials=("mehr oder weniger", "früher oder später", "so oder so", "über kurz oder lang"),
    knowledge_verbs=_words("wusstest wusstet wussten weißt wisst kennst kennt gewusst"),  # "Hast du gewusst, dass …?"
    speech_verbs=_words(
        "fragte fragten fragt fragen rief riefen sagte sagten sagt meinte meinten schrieb schrieben schreibt twitterte wollte"
    ),
    reflexive_objects=_words("mich uns"),
    answer_openers=_words(
        """
        nein jein kaum keineswegs mitnichten nie niemals selten nicht natürlich sicherlich bestimmt
        wahrscheinlich vermutlich vermutlich eher definitiv absolut durchaus leider meistens weil denn
        ungefähr etwa rund circa knapp teilweise jein
        """
    ),
    answer_particles=_words("ja doch klar sicher genau vielleicht stimmt"),
    answer_phrases=(
        "die antwort",
        "die kurze antwort",
        "kurze antwort",
        "kurz gesagt",
        "ganz einfach",
        "ganz klar",
        "auf jeden fall",
        "auf keinen fall",
        "es kommt darauf an",
        "es kommt drauf an",
        "kommt drauf an",
        "das hängt",
        "es hängt",
        "der grund",
        "im gegenteil",
    ),
    negations=_words("nicht kein keine keinen keinem keiner keines nie niemals"),
    answer_nouns=("die antwort", "meine antwort", "unsere antwort", "einfache antwort", "kurze antwort", "antwort ist", "antwort lautet"),
    speaker_objects=_words("uns mir"),
    reply_channels=("kommentar",),
    alternative_stops=_words(
        """
        du ihr sie es man wir ich er dich euch uns mich dir mir sich lieber eher mehr besser
        """
    )
    | _AUXILIARIES,
    articles=_words("der die das den dem des ein eine einen einem einer eines"),
    numerals=_words("zwei drei vier fünf sechs sieben acht neun zehn elf zwölf zwanzig hundert"),
    first_person_subjects=_words("ich wir"),
    self_ask_phrases=(
        "frage mich", "fragen uns", "frag mich", "fragte mich", "fragten uns", "habe mich gefragt",
        "haben uns gefragt", "stellte mir die frage", "stelle mir die frage", "stellen uns die frage",
        "stellten uns die frage", "stellt sich die frage", "stellte sich die frage", "bleibt die frage",
    ),
    invitation_phrases=(
        "her damit", "stimmt ab", "stimmt gern", "stimmt gerne", "stimmt in", "stimmt jetzt", "stimm ab", "stimm in", "stimmen sie ab", "stimmen sie in",
        "stimmen sie jetzt", "jetzt abstimmen", "jetzt seid ihr dran", "nun seid ihr dran", "jetzt bist du dran", "nun bist du dran", "jetzt sind sie dran",
        "schreibt uns", "schreibt mir", "schreibt es", "schreibt eure", "schreibt gern", "schreib mir",
        "schreib uns", "schreib es", "schreiben sie uns", "schreiben sie mir", "verratet", "verrate mir", "verrate uns",
        "erzählt uns", "erzählt mir", "erzählt es", "erzähl mir", "erzähl uns", "erzählen sie uns",
        "erzählen sie mir", "lasst es", "lass es mich", "lasst mich", "lass mich wissen", "teilt eure", "teilt es",
        "teilt uns", "teile deine", "teile es", "teilen sie uns", "teilen sie ihre", "bin gespannt", "sind gespannt", "eure antworten", "deine antwort",
        "freue mich auf eure", "freue mich auf deine", "freue mich auf ihre", "freuen uns auf eure",
        "freuen uns auf deine", "freuen uns auf ihre meinung", "freuen uns auf ihre kommentare", "eure meinung", "deine meinung",
        "ihre meinung", "diskutiert mit", "diskutiert gerne", "diskutiert in", "diskutiert unten",
        "stimmt ab", "stimmt jetzt ab", "stimmt mit ab", "jetzt abstimmen", "hier abstimmen", "unten abstimmen", "eure erfahrungen", "deine erfahrungen", "ihre erfahrungen",
        "schick es", "schickt es", "schick uns", "schickt uns", "schicken sie uns", "von euch hören", "von dir hören",
        "von ihnen hören", "sagt bescheid", "sag bescheid", "sagen sie bescheid", "gebt bescheid", "gib bescheid",
        "geben sie bescheid", "gerne wissen", "gern wissen", "von euch wissen", "von dir wissen", "von ihnen wissen",
        # the question announced as put to the readers ("Deshalb frage ich euch: Welche Farbe …?")
        "frage ich euch", "frag ich euch", "ich frage euch", "fragen wir euch", "wir fragen euch", "frage ich dich",
        "ich frage dich", "entscheidet mit", "dürft mitentscheiden", "ihr habt die wahl",
    ),
    interjections=_words("na und also so nun tja ok okay"),
    stock_phrases=(
        "artikel hilfreich", "beitrag hilfreich", "seite hilfreich", "beitrag nützlich", "artikel nützlich", "war das hilfreich", "war dies hilfreich",
        "test hilfreich", "ratgeber hilfreich", "anleitung hilfreich",
        "hat dir der artikel", "hat ihnen der artikel", "hat euch der artikel", "hat dir der beitrag",
        "hat ihnen der beitrag", "hat euch der beitrag", "artikel gefallen", "beitrag gefallen", "hast du fragen", "habt ihr fragen", "haben sie fragen",
        "hast du noch fragen", "du hast fragen", "ihr habt fragen", "sie haben fragen", "habt ihr noch fragen", "haben sie noch fragen", "fragen oder anregungen",
        "fragen oder tipps", "fragen oder wünsche", "noch fragen", "etwas hinzuzufügen", "fehler gefunden",
        "hast du eine frage", "habt ihr eine frage", "haben sie eine frage", "du hast eine frage", "ihr habt eine frage",
        "sie haben eine frage", "einen hinweis für", "hinweis für die redaktion", "hinweis für unsere redaktion",
        "tipp für die redaktion", "tipp für unsere redaktion",
        "ticket gesichert", "tickets gesichert", "karten gesichert",
        "wie geht es euch", "wie geht es dir", "wie geht es ihnen", "wie geht's euch", "wie geht's dir",
        "gefällt euch der podcast", "gefällt dir der podcast", "gefällt ihnen der podcast", "gefällt euch unser podcast",
    ),
    reply_places=(
        "in die kommentare", "in den kommentaren", "einen kommentar", "kommentarfeld", "kommentarbereich",
        "kommentarspalte", "per kommentar", "als kommentar", "unten kommentieren", "kommentiert", "kommentiere",
        "kommentieren sie",
    ),
    promotion_labels=_words("tipp tip anzeige werbung quiz gewinnspiel sponsored"),
    offer_phrases=(
        "melde dich", "meldet euch", "melden sie sich", "anmelden", "abonnier", "newsletter", "klick", "bewirb dich",
        "bewerbt euch", "bewerben sie sich", "jetzt bewerben", "ruf uns an", "rufen sie uns", "kontaktier",
        "kontaktformular", "mehr infos", "mehr informationen", "mehr erfahren", "hier geht", "hier findest",
        "hier finden sie", "zur verfügung", "jetzt bestellen", "jetzt buchen", "kostenlos testen", "wir helfen",
        "helpline", "hotline", "beratungsstelle", "wir suchen", "dann bist du bei uns", "dann sind sie bei uns", "helfen gern", "hilft gern",
        "hilft euch gern", "hilft dir gern", "helfen euch gern", "helfen dir gern",
        "% rabatt", "rabattcode", "gutscheincode", "mit dem code", "mit dem gutschein",
    ),
    recruiting_words=(
        "bewerbung", "bewirb", "bewerbt", "bewerben sie", "stellenangebot", "stellenanzeige", "offene stelle",
        "offenen stellen", "karriere", "teil unseres teams", "teil des teams", "unser team verstärken",
        "neue herausforderung", "neuen job", "neue stelle", "wir suchen dich", "wir suchen sie", "(m/w/d)",
    ),
    # yes/no frames whose answer is what the reader names ("Gibt es noch andere Tools, die ihr nutzt?", "Fällt euch
    # noch etwas ein?"); "Könnt ihr mir ein gutes Buch empfehlen?" is grammar.asks_to_name's own (verb at the end)
    naming_frames=(
        "gibt es noch andere", "gibt es andere", "gibt es weitere", "gibt es noch weitere", "gibt es noch etwas",
        "gibt es etwas das", "gibt es etwas was", "gibt es sonst noch", "gibt es noch mehr", "fällt euch noch",
        "fällt dir noch", "fällt ihnen noch", "fallen euch noch", "fallen dir noch", "fallen ihnen noch",
    ),
    left_open_phrases=(
        "frage bleibt offen", "frage ist offen", "bleibt eine offene frage", "eine offene frage",
        "man darf gespannt", "darf man gespannt",
    ),
    opinion_phrases=(
        "was haltet ihr", "was hältst du", "was halten sie", "findet ihr", "findest du", "finden sie", "würdet ihr",
        "würdest du", "würden sie", "mögt ihr", "magst du", "mögen sie", "gefällt euch", "gefällt dir",
        "gefällt ihnen", "gefallen euch", "gefallen dir", "gefallen ihnen", "eure liebsten", "dein liebstes",
        "deine liebste", "eure lieblings", "deine lieblings", "ihre lieblings", "eure meinung", "deine meinung",
        "lieber", "bevorzugt ihr", "bevorzugst du", "was meint ihr", "was meinst du", "was denkt ihr",
        "was denkst du", "seid ihr auch", "bist du auch",
        "wie seht ihr", "wie siehst du",
    ),
    end_markers=(
        "mehr zum thema", "das könnte dich auch interessieren", "das könnte sie auch interessieren",
        "ähnliche artikel", "ähnliche beiträge", "lesen sie auch", "lies auch", "auch interessant", "weitere artikel",
        "verwandte artikel", "weiterlesen", "empfehlungen",
    ),
    reflection_openers=(
        "frag dich", "fragt euch", "fragen sie sich", "stell dir die frage", "stellt euch die frage",
        "stellen sie sich die frage", "stell dir folgende", "stellt euch folgende", "stellen sie sich folgende",
        "überleg dir", "überlegt euch", "überlegen sie sich", "denk an deine", "denkt an eure", "denken sie an ihre",
        "denk an dein", "denkt an euer", "denken sie an ihr", "sei ehrlich zu dir", "seid ehrlich zu euch",
        "seien sie ehrlich zu sich", "horch in dich hinein", "nimm dir einen moment", "nehmt euch einen moment",
        "nehmen sie sich einen moment",
    ),
)
