"""Fetching feeds and article pages over HTTP without trusting the other side.

Every hop (the first request and each redirect) is checked: http(s) only, and the address we
connect to must be a public one. Host names are resolved exactly once per connection, inside the
connector, and the connection goes to the very addresses that were checked, so a DNS answer that
changes between check and connect (DNS rebinding) cannot smuggle in an internal address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from bot.config import FeedSettings
from bot.feeds.addresses import AddressPolicy, parse_ip_host
from bot.feeds.errors import (
    AddressRefused,
    FeedError,
    FeedParseError,
    FetchFailed,
    InvalidUrl,
    NotAFeed,
    TooLarge,
    TooManyRedirects,
)

__all__ = [
    "FEED_ACCEPT",
    "MAX_REDIRECTS",
    "PAGE_ACCEPT",
    "AddressPolicy",
    "AddressRefused",
    "FeedError",
    "FeedFetcher",
    "FeedParseError",
    "FetchFailed",
    "FetchResult",
    "InvalidUrl",
    "Lookup",
    "NotAFeed",
    "TooLarge",
    "TooManyRedirects",
    "system_lookup",
]

MAX_REDIRECTS = 5
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK_SIZE = 64 * 1024

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"

# Turns a host name and port into the IP addresses to try. Injectable so tests can play DNS.
Lookup = Callable[[str, int], Awaitable[Sequence[str]]]


async def system_lookup(host: str, port: int) -> list[str]:
    """The operating system's answer for `host` (getaddrinfo), addresses in preference order."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    addresses: list[str] = []
    for family, _type, _proto, _name, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:200] if text else type(error).__name__


@dataclass(frozen=True)
class FetchResult:
    status: int  # 200 (body present) or 304 (not modified since the ETag / Last-Modified we sent)
    body: bytes | None
    etag: str | None
    last_modified: str | None
    url: str  # after redirects
    content_type: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class _CheckingResolver(AbstractResolver):
    """aiohttp resolver that looks a host up once, checks every answer, and hands back only those.

    aiohttp connects to exactly the addresses a resolver returns, so what was checked is what is used.
    """

    def __init__(self, lookup: Lookup, policy: AddressPolicy) -> None:
        self._lookup = lookup
        self._policy = policy

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        answers = list(await self._lookup(host, port))
        if not answers:
            raise OSError(f"no address found for {host}")
        results: list[ResolveResult] = []
        for answer in answers:
            try:
                address = ipaddress.ip_address(answer.split("%", 1)[0])
            except ValueError:
                raise OSError(f"the name server gave an invalid address for {host}") from None
            # One refused answer refuses the host: a name that resolves to a public and an internal
            # address at once is a rebinding trick, and happy-eyeballs could pick either.
            self._policy.check(address, host=host)
            results.append(
                ResolveResult(
                    hostname=host,
                    host=address.compressed,
                    port=port,
                    family=socket.AF_INET6 if address.version == 6 else socket.AF_INET,
                    proto=0,
                    flags=socket.AI_NUMERICHOST,
                )
            )
        return results

    async def close(self) -> None:
        return None


class FeedFetcher:
    """One HTTP client (one aiohttp session) for feeds and article pages, with all safety checks.

    Use as `async with FeedFetcher(settings.feeds) as fetcher: await fetcher.fetch(url)`.
    `lookup` and `address_policy` default to the system resolver and the policy from the settings;
    tests inject their own to simulate public hosts and changing DNS answers.
    """

    def __init__(
        self,
        settings: FeedSettings,
        *,
        lookup: Lookup | None = None,
        address_policy: AddressPolicy | None = None,
    ) -> None:
        self.settings = settings
        self.policy = address_policy or AddressPolicy(allow_private=settings.allow_private_addresses)
        self._lookup = lookup or system_lookup
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> FeedFetcher:
        connector = aiohttp.TCPConnector(
            resolver=_CheckingResolver(self._lookup, self.policy),
            use_dns_cache=False,  # every new connection is resolved and checked afresh
            limit_per_host=4,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers={"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=self.settings.timeout, sock_read=self.settings.timeout),
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=False,  # never route through a proxy taken from the environment
            auto_decompress=True,
        )
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def checked_url(self, url: str | URL) -> URL:
        """`url` as we would request it, or InvalidUrl / AddressRefused before any network traffic.

        Host names are checked later, when they are resolved; IP literals (in any spelling, such as
        `2130706433` or `0x7f.1`) are checked here and rewritten to their canonical form.
        """
        shown = str(url)
        try:
            parsed = URL(url.strip()) if isinstance(url, str) else url
        except (ValueError, TypeError):
            raise InvalidUrl(f"{shown!r} is not a valid web address", url=shown) from None
        if parsed.scheme not in ("http", "https"):
            raise InvalidUrl(f"{shown!r} is not an http:// or https:// address", url=shown)
        host = parsed.raw_host
        if not host:
            raise InvalidUrl(f"{shown!r} has no host name", url=shown)
        address = parse_ip_host(host)
        if address is not None:
            self.policy.check(address, host=host, url=shown)
            canonical = address.compressed.split("%", 1)[0]
            if canonical != host:
                try:
                    parsed = parsed.with_host(canonical)
                except ValueError:
                    raise InvalidUrl(f"{shown!r} is not a valid web address", url=shown) from None
        return parsed

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
    ) -> FetchResult:
        """GET `url`, following at most MAX_REDIRECTS redirects, each one checked.

        With `etag` / `last_modified` from an earlier fetch this is a conditional GET: a 304 answer
        comes back as FetchResult(status=304, body=None). Raises a FeedError subclass otherwise.
        """
        if self._session is None:
            raise RuntimeError("FeedFetcher must be used as `async with FeedFetcher(...) as fetcher`")
        current = self.checked_url(url)
        try:
            async with asyncio.timeout(self.settings.timeout):
                return await self._follow(current, etag=etag, last_modified=last_modified, accept=accept)
        except FeedError as error:
            if error.url is None:
                error.url = url
            raise
        except TimeoutError:
            raise FetchFailed(
                f"{current.host} did not answer within {self.settings.timeout:g} seconds", url=url
            ) from None
        except aiohttp.ClientConnectorCertificateError as error:
            raise FetchFailed(
                f"the HTTPS certificate of {error.host} is not valid ({_first_line(error.certificate_error)})", url=url
            ) from None
        except aiohttp.ClientSSLError as error:
            raise FetchFailed(f"the secure (TLS) connection to {error.host} failed ({_first_line(error.os_error)})", url=url) from None
        except aiohttp.ClientConnectorDNSError:
            raise FetchFailed(f"the host name {current.host} could not be found", url=url) from None
        except aiohttp.ClientConnectorError as error:
            detail = error.os_error.strerror or str(error.os_error) or "connection failed"
            raise FetchFailed(f"could not connect to {error.host}: {detail.lower()}", url=url) from None
        except aiohttp.InvalidURL as error:
            raise InvalidUrl(f"{error.url!s} is not a valid web address", url=url) from None
        except (aiohttp.ClientError, OSError, ValueError) as error:
            raise FetchFailed(f"the connection to {current.host} failed ({_first_line(error)})", url=url) from None

    async def _follow(self, current: URL, *, etag: str | None, last_modified: str | None, accept: str) -> FetchResult:
        assert self._session is not None
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        first = current
        visited = {str(current)}
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                async with self._session.get(current, headers=headers, allow_redirects=False) as response:
                    if response.status in _REDIRECT_STATUSES:
                        current = self._redirect_target(current, response)
                        if str(current) in visited:
                            raise TooManyRedirects(f"the address redirects in a loop (back to {current})")
                        visited.add(str(current))
                        current = self._checked_redirect(current)
                        continue
                    if response.status == 304:
                        return self._result(304, None, current, response)
                    if not 200 <= response.status < 300:
                        raise FetchFailed(
                            f"the server answered HTTP {response.status} {response.reason or ''}".rstrip(),
                            status=response.status,
                        )
                    body = await self._read_capped(response)
                    return self._result(200, body, current, response)
            except AddressRefused as refused:
                if current is first:
                    raise
                # Say where the redirect went: the admin only typed the first address.
                raise AddressRefused(f"it redirects to {current}; {refused.reason}", address=refused.address) from None
        raise TooManyRedirects(f"more than {MAX_REDIRECTS} redirects; the last one pointed to {current}")

    @staticmethod
    def _redirect_target(current: URL, response: aiohttp.ClientResponse) -> URL:
        location = response.headers.get("Location", "").strip()
        if not location:
            raise FetchFailed(f"the server answered HTTP {response.status} without saying where to", status=response.status)
        try:
            return current.join(URL(location)).with_fragment(None)
        except (ValueError, TypeError):
            raise InvalidUrl(f"the server redirected to an invalid address ({location[:200]!r})") from None

    def _checked_redirect(self, target: URL) -> URL:
        try:
            return self.checked_url(target)
        except InvalidUrl as invalid:
            raise InvalidUrl(f"it redirects to an address we do not fetch: {invalid.reason}") from None

    async def _read_capped(self, response: aiohttp.ClientResponse) -> bytes:
        limit = self.settings.max_bytes
        declared = response.content_length
        if declared is not None and declared > limit and "Content-Encoding" not in response.headers:
            raise TooLarge(f"the response is {declared:,} bytes, more than the limit of {limit:,} bytes (feeds.max_bytes)")
        received = bytearray()
        async for chunk in response.content.iter_chunked(_CHUNK_SIZE):
            received += chunk
            if len(received) > limit:
                raise TooLarge(f"the response is larger than the limit of {limit:,} bytes (feeds.max_bytes); stopped reading")
        return bytes(received)

    @staticmethod
    def _result(status: int, body: bytes | None, url: URL, response: aiohttp.ClientResponse) -> FetchResult:
        headers: Any = response.headers
        return FetchResult(
            status=status,
            body=body,
            etag=headers.get("ETag"),
            last_modified=headers.get("Last-Modified"),
            url=str(url),
            content_type=headers.get("Content-Type"),
        )
