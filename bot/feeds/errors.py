"""Why a feed or article page could not be read, in words fit for a Discord admin.

Every error carries `reason`: one polite line without a traceback, so adapters can show it as is
(`/feed list`, `reader-bot preview`). `url` names what was being read when it is known.
"""

from __future__ import annotations

PRIVATE_ADDRESS_HINT = (
    "set allow_private_addresses = true in the [feeds] section of the configuration "
    "(or pass --allow-private-addresses) if this is your own self-hosted blog"
)


class FeedError(Exception):
    """Base class: a feed or page that cannot be used. Never a bug, always something about the input."""

    def __init__(self, reason: str, *, url: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.url = url

    def __str__(self) -> str:
        return self.reason


class InvalidUrl(FeedError):
    """Not an http(s) URL with a host name, so there is nothing we are willing to fetch."""


class AddressRefused(FeedError):
    """The host is (or resolves to) a loopback, private or otherwise internal address."""

    def __init__(self, reason: str, *, url: str | None = None, address: str | None = None) -> None:
        super().__init__(reason, url=url)
        self.address = address


class FetchFailed(FeedError):
    """The server could not be reached, did not answer in time, or answered with an error status."""

    def __init__(self, reason: str, *, url: str | None = None, status: int | None = None) -> None:
        super().__init__(reason, url=url)
        self.status = status


class TooLarge(FeedError):
    """The response is bigger than `feeds.max_bytes`; we stop reading instead of filling memory."""


class TooManyRedirects(FeedError):
    """More than the allowed number of redirects, or a redirect loop."""


class NotAFeed(FeedError):
    """The document is readable but is not RSS, Atom or JSON Feed (typically an HTML page)."""

    def __init__(self, reason: str, *, url: str | None = None, feed_links: tuple[str, ...] = ()) -> None:
        super().__init__(reason, url=url)
        self.feed_links = feed_links  # feeds the HTML page advertises, if any


class NotAWebPage(FeedError):
    """An article link that leads to something other than HTML (an image, a PDF, ...)."""


class FeedParseError(FeedError):
    """The document looks like a feed but is too broken to read."""
