"""extract_article: the author's text as blocks, without the page around it; metadata and language."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import lxml.html
import pytest

from bot.articles.extract import EXCERPT_LENGTH, extract_article, html_to_blocks, make_excerpt
from bot.articles.model import Block
from bot.feeds.parse import FeedEntry

SLUGS = ["lumiere-sora-kreativitaet", "google-consent-mode-v2", "trends-performance-marketing-2023"]


def body_blocks_in_page(html: bytes) -> list[Block]:
    """What a careful reader calls the article body: the h2/p elements of .entry-content."""
    document = lxml.html.document_fromstring(html)
    content = document.find_class("entry-content")[0]
    blocks = []
    for element in content:
        text = re.sub(r"\s+", " ", element.text_content()).strip()
        if element.tag == "p":
            blocks.append(Block("paragraph", text))
        elif element.tag in ("h2", "h3"):
            blocks.append(Block("heading", text, int(element.tag[1])))
    return blocks


def outside_body_texts(html: bytes) -> list[str]:
    """Texts of the page that are not the article: cookie banner, navigation, related posts, footer."""
    document = lxml.html.document_fromstring(html)
    elements = [document.get_element_by_id("cookie-notice")]
    elements += [element for element in document.iter("header", "nav", "aside", "footer") if not element.get("class", "").startswith("entry")]
    texts = []
    for element in elements:
        for node in element.iter("p", "h3", "h4", "a", "div", "span"):
            for text in node.itertext():
                if len(text.strip()) > 3:
                    texts.append(re.sub(r"\s+", " ", text).strip())
    return texts


@pytest.mark.parametrize("slug", SLUGS)
def test_fixture_blog_body_is_exactly_the_article(slug: str, blog_page) -> None:
    html = blog_page(slug)
    article = extract_article(html, f"http://blog.example/{slug}/")
    expected = body_blocks_in_page(html)
    assert expected, "the fixture must have a body"
    assert article.blocks == expected
    text = article.text
    for furniture in outside_body_texts(html):
        assert furniture not in text, furniture
    for words in ("Cookies akzeptieren", "accept all cookies", "Hast du Fragen?", "Questions? Contact us", "Ähnliche Beiträge", "Impressum"):
        assert words not in text


def test_fixture_blog_metadata_from_the_page(blog_page) -> None:
    article = extract_article(blog_page("lumiere-sora-kreativitaet"), "http://blog.example/lumiere-sora-kreativitaet/")
    assert article.title.startswith("Lumiere & Sora: Katalysatoren")
    assert article.author == "Alex Beispiel"
    assert article.published == datetime(2024, 2, 16, 8, 0, tzinfo=UTC)  # 09:00+01:00
    assert article.image == "http://blog.example/wp-content/uploads/2024/02/lumiere-sora.jpg"
    assert article.language == "de"
    assert article.url == "http://blog.example/lumiere-sora-kreativitaet/"
    english = extract_article(blog_page("trends-performance-marketing-2023"), "http://blog.example/trends/")
    assert english.language == "en" and english.author == "Alex Example" and english.image is None


def test_title_heading_is_not_repeated_as_a_block(blog_page) -> None:
    article = extract_article(blog_page("google-consent-mode-v2"), "http://blog.example/google-consent-mode-v2/")
    assert article.blocks[0].kind == "paragraph"
    assert all(block.text != article.title for block in article.blocks)
    assert [block.text for block in article.blocks if block.kind == "heading"] == [
        "Was ist der Google Consent Mode V2?",
        "Wer muss den Consent Mode V2 umsetzen?",
        "Basic oder Advanced: Welche Variante ist die richtige?",
        "Fazit",
    ]


STRUCTURED_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Passkeys explained | Security Blog</title>
<meta property="og:image" content="/img/passkeys.png">
<meta name="author" content="Pat Keys">
<meta property="article:published_time" content="2024-03-10T12:00:00Z">
</head><body>
<div id="BorlabsCookieBox"><p>Do you accept all cookies? We value your privacy.</p></div>
<nav class="menu"><a href="/">Home</a> <a href="/about">Why read us?</a></nav>
<main><article>
<h1>Passkeys explained</h1>
<p>Passwords are a liability for everyone involved, and passkeys promise to replace them for good across devices.</p>
<h2>How do passkeys work?</h2>
<p>A passkey is a key pair. The private key never leaves your device, and the server only keeps the public key.</p>
<h3>Syncing between devices</h3>
<p>Platforms sync passkeys through their own cloud keychains, end-to-end encrypted, so a lost phone is not a lost account.</p>
<blockquote><p>Passkeys are the first phishing-resistant login most people will ever use.</p></blockquote>
<ul><li>No shared secret on the server</li><li>Bound to the real domain</li><li>Nothing to type</li></ul>
<p>Have you switched any of your accounts to passkeys yet?</p>
<div class="sharedaddy sd-sharing-enabled"><h3>Share this:</h3><p>Would you share this post?</p></div>
<div class="newsletter-signup"><p>Want more? Subscribe to our newsletter!</p></div>
</article>
<section id="comments" class="comments-area"><h2>3 comments</h2><p>Great post, but what about recovery?</p></section>
<div class="yarpp-related"><h3>Related posts</h3><p><a href="/totp/">Is TOTP dead?</a></p></div>
</main>
<footer><p>Questions? Write to us. © 2024</p></footer>
</body></html>"""


def test_headings_quotes_and_lists_are_typed_blocks_and_furniture_is_gone() -> None:
    article = extract_article(STRUCTURED_PAGE, "https://security.example/passkeys/?utm_source=x")
    kinds = [(block.kind, block.level, block.text) for block in article.blocks]
    assert ("heading", 2, "How do passkeys work?") in kinds
    assert ("heading", 3, "Syncing between devices") in kinds
    assert ("quote", 0, "Passkeys are the first phishing-resistant login most people will ever use.") in kinds
    assert [text for kind, _, text in kinds if kind == "list_item"] == [
        "No shared secret on the server", "Bound to the real domain", "Nothing to type"
    ]
    assert kinds[-1] == ("paragraph", 0, "Have you switched any of your accounts to passkeys yet?")
    text = article.text
    for furniture in ("accept all cookies", "Why read us?", "Would you share", "Subscribe to our newsletter",
                      "what about recovery?", "Is TOTP dead?", "Questions? Write to us", "Passkeys explained"):
        assert furniture not in text, furniture
    assert article.title == "Passkeys explained"  # no og:title: the headline, not "<title>" with the site name
    assert article.author == "Pat Keys"
    assert article.published == datetime(2024, 3, 10, 12, 0, tzinfo=UTC)
    assert article.image == "https://security.example/img/passkeys.png"  # made absolute
    assert article.url == "https://security.example/passkeys/"  # canonical
    assert article.language == "en"


def test_feed_entry_metadata_wins_over_the_page() -> None:
    entry = FeedEntry(
        entry_id="guid-9",
        url="https://security.example/passkeys/",
        title="Passkeys: the feed's title",
        author="Feed Author",
        published=datetime(2024, 3, 9, 8, 0, tzinfo=UTC),
        image="https://security.example/feed-image.png",
    )
    article = extract_article(STRUCTURED_PAGE, "https://security.example/passkeys/", entry=entry)
    assert article.title == "Passkeys: the feed's title"
    assert article.author == "Feed Author"
    assert article.published == datetime(2024, 3, 9, 8, 0, tzinfo=UTC)
    assert article.entry_id == "guid-9"
    assert article.image == "https://security.example/img/passkeys.png"  # the page's lead image (og:image)


def page(lang: str = "", locale: str = "", body: str = "") -> str:
    lang_attribute = f' lang="{lang}"' if lang else ""
    locale_meta = f'<meta property="og:locale" content="{locale}">' if locale else ""
    return f"<html{lang_attribute}><head>{locale_meta}<title>t</title></head><body><article>{body}</article></body></html>"


GERMAN = "<p>" + " ".join(["Die Bahn fährt heute später ab, weil das Wetter schlecht ist und die Weichen eingefroren sind."] * 3) + "</p>"
ENGLISH = "<p>" + " ".join(["The train leaves later today because the weather is bad and the switches are frozen solid."] * 3) + "</p>"


@pytest.mark.parametrize(
    ("html", "feed_language", "expected"),
    [
        (page(lang="de-DE", body=ENGLISH), None, "de"),  # the page's declaration wins over the text
        (page(lang="en", body=GERMAN), "de", "en"),
        (page(locale="en_US", body=GERMAN), "de", "en"),  # og:locale next
        (page(body=ENGLISH), "de-AT", "de"),  # then the feed's language
        (page(body=GERMAN), None, "de"),  # then detection
        (page(body=ENGLISH), None, "en"),
        (page(lang="fr", body=GERMAN), None, "de"),  # neither German nor English declared: detect
        (page(lang="fr", body=ENGLISH), "it", "en"),
    ],
)
def test_language_order(html: str, feed_language: str | None, expected: str) -> None:
    assert extract_article(html, "https://x.example/a", feed_language=feed_language).language == expected


def test_excerpt_is_at_most_300_characters_and_cut_at_a_word() -> None:
    words = " ".join(f"wort{index}" for index in range(200))
    article = extract_article(page(lang="de", body=f"<p>{words}</p><p>Zweiter Absatz hier.</p>"), "https://x.example/a")
    assert len(article.excerpt) <= EXCERPT_LENGTH
    assert article.excerpt.endswith("…")
    assert words.startswith(article.excerpt[:-1])
    assert re.fullmatch(r"(wort\d+ )*wort\d+…", article.excerpt)
    assert make_excerpt([Block("heading", "H", 2), Block("paragraph", "Short.")]) == "Short."


def test_bytes_in_a_declared_encoding() -> None:
    html = '<html lang="de"><head><meta charset="iso-8859-1"></head><body><article><p>Grüße aus Köln, schöne Straßen überall und noch mehr Text für den Absatz hier.</p></article></body></html>'
    article = extract_article(html.encode("iso-8859-1"), "https://x.example/a")
    assert "Grüße aus Köln" in article.text
    from_header = extract_article(html.replace('<meta charset="iso-8859-1">', "").encode("cp1252"), "https://x.example/a",
                                  content_type="text/html; charset=windows-1252")
    assert "Grüße aus Köln" in from_header.text


@pytest.mark.parametrize("html", ["", "   ", "\x00\x01", "<html></html>", "<<<>>>", "just words", b"\xff\xfe\xfd"])
def test_empty_or_junk_pages_fall_back_to_the_feed_summary(html: str | bytes) -> None:
    entry = FeedEntry(entry_id="e", url="https://x.example/a", title="Feed title", summary="The feed's summary.")
    article = extract_article(html, "https://x.example/a", entry=entry)
    assert article.title == "Feed title"
    assert article.blocks == [Block("paragraph", "The feed's summary.")]
    assert article.excerpt == "The feed's summary."


def test_html_to_blocks_for_feed_content() -> None:
    blocks = html_to_blocks(
        "<h2>Warum?</h2><p>Weil <em>es</em> geht.</p>lose Worte<blockquote><p>Zitat eins</p><p>Zitat zwei</p></blockquote>"
        "<ol><li>eins<ul><li>eins-a</li></ul></li><li>zwei</li></ol><div>im div <span>weiter</span><p>innen</p>danach</div>"
        "<table><tr><td>Tabelle?</td></tr></table><pre>code?</pre><figure><img src=x><figcaption>Bild?</figcaption></figure>"
        "<h5>Klein</h5>"
    )
    assert blocks == [
        Block("heading", "Warum?", 2),
        Block("paragraph", "Weil es geht."),
        Block("paragraph", "lose Worte"),
        Block("quote", "Zitat eins"),
        Block("quote", "Zitat zwei"),
        Block("list_item", "eins"),
        Block("list_item", "eins-a"),
        Block("list_item", "zwei"),
        Block("paragraph", "im div weiter"),
        Block("paragraph", "innen"),
        Block("paragraph", "danach"),
        Block("heading", "Klein", 5),
    ]


# Pages on which trafilatura on its own keeps the banner, the teasers or the newsletter box (checked
# with trafilatura 2.3): the pruning of page furniture before extraction is what removes them.
FURNITURE_PAGES = {
    "banner and teasers inside the article": (
        '<html><body><main><article><h1>T</h1><div class="cookie-consent"><p>Wir verwenden Cookies. Möchtest du alle'
        " Cookies akzeptieren?</p></div><p>Erster Absatz des Artikels mit genug Text, damit er als Inhalt zählt und nicht"
        " als Rauschen gilt.</p><p>Zweiter Absatz des Artikels mit genug Text, damit er als Inhalt zählt und nicht als"
        ' Rauschen gilt.</p><div class="related-posts"><h3>Ähnliche Beiträge</h3><p><a href="/x">Was ist das Beste?</a>'
        "</p><p>Ein Teaser-Text zu einem anderen Beitrag, auch lang genug um als Absatz zu zählen.</p></div>"
        '<div class="share-buttons"><p>Teile diesen Beitrag! Gefällt er dir?</p></div></article></main></body></html>',
        ["Erster Absatz des Artikels", "Zweiter Absatz des Artikels"],
    ),
    "short page with banner and newsletter": (
        '<html><body><div id="cookie-banner"><p>Do you accept all cookies? We use them for analytics and ads across the'
        ' site.</p></div><div class="content"><p>Short post body here, just one paragraph of text that matters.</p></div>'
        '<div class="newsletter"><p>Want our newsletter? Sign up now for weekly updates!</p></div></body></html>',
        ["Short post body here"],
    ),
    "div soup with a privacy notice": (
        '<html><body><div class="wrapper"><div class="post"><p>Paragraph one of the post is long enough to be considered'
        " content by the extractor maybe.</p><p>Paragraph two of the post is also long enough to be considered content by"
        ' the extractor.</p></div><div class="gdpr"><p>We care about your privacy. Do you agree to our use of cookies and'
        ' similar tech?</p></div><div class="comments"><p>Nice post! Will you write more about this topic soon?</p></div>'
        "</div></body></html>",
        ["Paragraph one of the post", "Paragraph two of the post"],
    ),
}


@pytest.mark.parametrize("name", list(FURNITURE_PAGES))
def test_furniture_that_trafilatura_alone_keeps_is_removed(name: str) -> None:
    html, starts = FURNITURE_PAGES[name]
    article = extract_article(html, "https://x.example/a")
    assert [block.kind for block in article.blocks] == ["paragraph"] * len(starts)
    assert all(block.text.startswith(start) for block, start in zip(article.blocks, starts, strict=True))
    assert "?" not in article.text  # every question on these pages belongs to the furniture


def test_a_page_wrapped_in_a_form_keeps_its_article() -> None:
    """Some sites (ASP.NET WebForms) wrap the whole page in a <form>: that is not furniture."""
    paragraphs = "".join(f"<p>Absatz {n} mit ausreichend viel Text, damit er als Inhalt gilt und nicht als Rauschen.</p>" for n in range(5))
    html = f'<html lang="de"><body><form id="aspnetForm"><div class="cookie-bar"><p>Cookies okay?</p></div><div class="post"><h2>Überschrift</h2>{paragraphs}</div></form></body></html>'
    article = extract_article(html, "https://x.example/a")
    assert [block.text for block in article.blocks if block.kind == "paragraph"][0].startswith("Absatz 0")
    assert len([block for block in article.blocks if block.kind == "paragraph"]) == 5
    assert "Cookies okay?" not in article.text


def test_bold_paragraphs_keep_their_emphasis_through_extraction() -> None:
    """Issue 10: an interview without speaker labels shows as bold questions alternating with answers."""
    from bot.articles.extract import html_to_blocks

    answer = "Die Leute. Ich mag es, mit Menschen zu arbeiten, und das jeden Tag aufs Neue, wirklich und ehrlich."
    html = (
        "<html><head><title>Interview mit Anna</title></head><body><article><h1>Interview mit Anna</h1>"
        "<p>Anna Berg arbeitet seit zehn Jahren als Imkerin in Leipzig und erzählt uns von ihrem Alltag.</p>"
        "<p><strong>Was gefällt dir an deiner Arbeit am meisten?</strong></p>"
        f"<p>{answer}</p>"
        "<p><b>Und was nervt dich?</b> Die Bürokratie, ganz klar, und zwar jeden Monat.</p>"
        f"<p>Formulare über Formulare, das ist <b>schon</b> echt anstrengend. {answer}</p>"
        "</article></body></html>"
    )
    for blocks in (extract_article(html, "https://blog.example/anna/").blocks, html_to_blocks(html)):
        by_text = {block.text: block.emphasis for block in blocks}
        assert by_text["Was gefällt dir an deiner Arbeit am meisten?"] == "whole"
        assert by_text["Und was nervt dich? Die Bürokratie, ganz klar, und zwar jeden Monat."] == "lead"
        assert by_text[answer] == ""
        assert by_text[f"Formulare über Formulare, das ist schon echt anstrengend. {answer}"] == ""
    assert Block("paragraph", "x", emphasis="whole") == Block("paragraph", "x")  # old corpus JSON still compares equal
