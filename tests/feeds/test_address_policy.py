"""SSRF protection: every internal address class is refused, by literal, by DNS and after a redirect,
and the connection goes to the address that was checked (no DNS rebinding)."""

from __future__ import annotations

import ipaddress
import socket

import pytest
from aiohttp import web

from bot.config import FeedSettings
from bot.feeds.addresses import AddressPolicy, address_class, parse_ip_host
from bot.feeds.errors import AddressRefused
from bot.feeds.fetch import FeedFetcher

STRICT = FeedSettings(timeout=3.0)  # allow_private_addresses defaults to False

# (address as written in a URL host, the class it must be refused as)
REFUSED_LITERALS = [
    ("127.0.0.1", "loopback"),
    ("127.255.255.254", "loopback"),
    ("10.0.0.1", "private"),
    ("10.255.255.255", "private"),
    ("172.16.0.1", "private"),
    ("172.31.255.254", "private"),
    ("192.168.0.1", "private"),
    ("192.168.255.254", "private"),
    ("169.254.169.254", "link-local"),  # cloud metadata service
    ("0.0.0.0", "unspecified"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("100.64.0.1", "shared"),
    ("[::1]", "loopback"),
    ("[::]", "unspecified"),
    ("[fe80::1]", "link-local"),
    ("[fc00::1]", "private"),
    ("[fd12:3456::1]", "private"),
    ("[ff02::1]", "multicast"),
    ("[::ffff:127.0.0.1]", "loopback"),  # IPv4-mapped IPv6
    ("[::ffff:10.0.0.1]", "private"),
    ("[::ffff:169.254.169.254]", "link-local"),
    ("[64:ff9b::7f00:1]", "loopback"),  # NAT64 of 127.0.0.1
    ("[2002:7f00:1::]", "loopback"),  # 6to4 of 127.0.0.1
    ("2130706433", "loopback"),  # decimal 127.0.0.1
    ("017700000001", "loopback"),  # octal
    ("0x7f000001", "loopback"),  # hex
    ("0x7f.1", "loopback"),  # hex, short form
    ("0177.0.0.1", "loopback"),  # octal first part
    ("127.1", "loopback"),  # short form
    ("0", "unspecified"),
    ("0x0a.0.0.1", "private"),
    ("3232235521", "private"),  # decimal 192.168.0.1
    ("0x7f.0x0.0x0.0x1", "loopback"),  # hex in every part
    ("127.0.0.1.", "loopback"),  # trailing dot
    ("[::ffff:7f00:1]", "loopback"),  # IPv4-mapped, written in hex
    ("[fe80::1%25eth0]", "link-local"),  # with a zone id
]


@pytest.fixture
async def loopback_server(serve) -> tuple[str, list[str]]:
    """A server on 127.0.0.1 that records every request: refused fetches must never reach it."""
    hits: list[str] = []

    async def anything(request: web.Request) -> web.Response:
        hits.append(request.path)
        return web.Response(text="secret", content_type="text/plain")

    app = web.Application()
    app.router.add_get("/{tail:.*}", anything)
    base = await serve(app, "127.0.0.1")
    return base, hits


@pytest.mark.parametrize(("host", "kind"), REFUSED_LITERALS, ids=[host for host, _ in REFUSED_LITERALS])
async def test_literal_internal_addresses_are_refused(host: str, kind: str, loopback_server) -> None:
    base, hits = loopback_server
    port = base.rsplit(":", 1)[1]
    url = f"http://{host}:{port}/feed"
    async with FeedFetcher(STRICT) as fetcher:
        with pytest.raises(AddressRefused) as caught:
            await fetcher.fetch(url)
    reason = caught.value.reason
    assert kind in reason
    assert "allow_private_addresses" in reason and "--allow-private-addresses" in reason
    assert caught.value.url == url
    assert hits == []


@pytest.mark.parametrize(("answer", "kind"), [(host.strip("[]"), kind) for host, kind in REFUSED_LITERALS[:26]])
async def test_host_names_resolving_to_internal_addresses_are_refused(answer: str, kind: str, scripted_dns) -> None:
    dns = scripted_dns({"blog.test": [[answer]]})
    async with FeedFetcher(STRICT, lookup=dns) as fetcher:
        with pytest.raises(AddressRefused) as caught:
            await fetcher.fetch("http://blog.test/feed")
    assert caught.value.reason.startswith("refused to connect: blog.test resolves to")
    assert kind in caught.value.reason
    assert dns.calls == ["blog.test"]


async def test_a_name_with_one_internal_answer_among_public_ones_is_refused(scripted_dns) -> None:
    dns = scripted_dns({"blog.test": [["93.184.216.34", "127.0.0.1"]]})
    async with FeedFetcher(STRICT, lookup=dns) as fetcher:
        with pytest.raises(AddressRefused) as caught:
            await fetcher.fetch("https://blog.test/feed")
    assert caught.value.address == "127.0.0.1"


async def test_localhost_through_the_system_resolver_is_refused(loopback_server) -> None:
    base, hits = loopback_server
    port = base.rsplit(":", 1)[1]
    async with FeedFetcher(STRICT) as fetcher:
        with pytest.raises(AddressRefused):
            await fetcher.fetch(f"http://localhost:{port}/feed")
    assert hits == []


async def test_allow_private_addresses_lifts_the_check(loopback_server) -> None:
    base, hits = loopback_server
    port = base.rsplit(":", 1)[1]
    async with FeedFetcher(FeedSettings(timeout=3.0, allow_private_addresses=True)) as fetcher:
        plain = await fetcher.fetch(f"{base}/plain")
        decimal = await fetcher.fetch(f"http://2130706433:{port}/decimal")
    assert plain.body == b"secret" and decimal.body == b"secret"
    assert decimal.url == f"http://127.0.0.1:{port}/decimal"  # connected to the canonical address
    assert hits == ["/plain", "/decimal"]


@pytest.fixture
async def public_looking_blog(serve, loopback_server) -> tuple[str, str, list[str]]:
    """`blog.test` on 127.0.0.2, which the policy in these tests treats as a public address;
    its pages redirect to the (refused) loopback server on 127.0.0.1."""
    secret_base, secret_hits = loopback_server
    secret_port = secret_base.rsplit(":", 1)[1]

    async def to_loopback(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"http://127.0.0.1:{secret_port}/admin")

    async def to_decimal(request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently(f"http://2130706433:{secret_port}/admin")

    async def to_localhost(request: web.Request) -> web.Response:
        raise web.HTTPTemporaryRedirect(f"http://localhost:{secret_port}/admin")

    async def to_mapped(request: web.Request) -> web.Response:
        raise web.HTTPPermanentRedirect(f"http://[::ffff:127.0.0.1]:{secret_port}/admin")

    async def to_own_page(request: web.Request) -> web.Response:
        raise web.HTTPFound("/feed")

    async def feed(request: web.Request) -> web.Response:
        return web.Response(text="<rss/>", content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/to-loopback", to_loopback)
    app.router.add_get("/to-decimal", to_decimal)
    app.router.add_get("/to-localhost", to_localhost)
    app.router.add_get("/to-mapped", to_mapped)
    app.router.add_get("/to-own-page", to_own_page)
    app.router.add_get("/feed", feed)
    public_base = await serve(app, "127.0.0.2")
    port = public_base.rsplit(":", 1)[1]
    return f"http://blog.test:{port}", secret_port, secret_hits


def public_127_0_0_2() -> AddressPolicy:
    return AddressPolicy(allowed_networks=["127.0.0.2/32"])


async def test_redirect_within_the_public_host_is_followed(public_looking_blog, scripted_dns) -> None:
    blog, _secret_port, _hits = public_looking_blog
    dns = scripted_dns({"blog.test": [["127.0.0.2"]]})
    async with FeedFetcher(STRICT, lookup=dns, address_policy=public_127_0_0_2()) as fetcher:
        result = await fetcher.fetch(f"{blog}/to-own-page")
    assert result.body == b"<rss/>"
    assert result.url == f"{blog}/feed"


@pytest.mark.parametrize("path", ["/to-loopback", "/to-decimal", "/to-localhost", "/to-mapped"])
async def test_redirect_from_public_host_to_loopback_is_refused(path: str, public_looking_blog, scripted_dns) -> None:
    blog, _secret_port, secret_hits = public_looking_blog
    dns = scripted_dns({"blog.test": [["127.0.0.2"]], "localhost": [["127.0.0.1"]]})
    async with FeedFetcher(STRICT, lookup=dns, address_policy=public_127_0_0_2()) as fetcher:
        with pytest.raises(AddressRefused) as caught:
            await fetcher.fetch(f"{blog}{path}")
    assert "loopback" in caught.value.reason
    assert caught.value.reason.startswith("it redirects to http://")
    assert caught.value.url == f"{blog}{path}"
    assert secret_hits == []  # the internal server never saw a request


async def test_dns_answer_that_changes_after_the_check_cannot_redirect_the_connection(serve, scripted_dns) -> None:
    """DNS rebinding: the first answer is public, every later one internal. The fetcher looks the
    name up once and connects to that very answer; a fresh connection is checked again."""
    public_hits: list[str] = []
    internal_hits: list[str] = []

    def app_recording(hits: list[str], text: str) -> web.Application:
        async def page(request: web.Request) -> web.Response:
            hits.append(request.path)
            return web.Response(text=text, content_type="text/plain")

        app = web.Application()
        app.router.add_get("/{tail:.*}", page)
        return app

    # The same port on 127.0.0.2 ("public") and 127.0.0.1 (internal), so only the address differs.
    for _attempt in range(20):
        public_base = await serve(app_recording(public_hits, "public"), "127.0.0.2")
        port = int(public_base.rsplit(":", 1)[1])
        try:
            await serve(app_recording(internal_hits, "internal"), "127.0.0.1", port)
            break
        except OSError:
            continue
    else:
        pytest.fail("could not bind the same port on 127.0.0.1 and 127.0.0.2")

    dns = scripted_dns({"rebind.test": [["127.0.0.2"], ["127.0.0.1"]]})
    policy = public_127_0_0_2()
    async with FeedFetcher(STRICT, lookup=dns, address_policy=policy) as fetcher:
        result = await fetcher.fetch(f"http://rebind.test:{port}/feed")
    assert result.body == b"public"
    assert dns.calls == ["rebind.test"]  # one lookup: checked and connected with the same answer

    async with FeedFetcher(STRICT, lookup=dns, address_policy=policy) as fetcher:
        with pytest.raises(AddressRefused):
            await fetcher.fetch(f"http://rebind.test:{port}/feed")
    assert public_hits == ["/feed"]
    assert internal_hits == []


def test_numeric_spellings_parse_like_inet_aton() -> None:
    loopback = ipaddress.ip_address("127.0.0.1")
    for spelling in ("2130706433", "0x7f000001", "017700000001", "0x7f.1", "0177.0.0.1", "127.1", "127.0.1", "0x7F.0.0.1"):
        assert parse_ip_host(spelling) == loopback, spelling
        assert socket.inet_aton(spelling) == loopback.packed  # the same reading as the C library
    for name in ("example.com", "1.2.3.4.5", "256.1.1.1", "0x100.0.0.1", "08.0.0.1", "blog.test", "4294967296"):
        assert parse_ip_host(name) is None, name


def test_public_addresses_are_allowed() -> None:
    policy = AddressPolicy()
    for public in ("93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e"):
        assert address_class(ipaddress.ip_address(public)) is None, public
        policy.check(ipaddress.ip_address(public), host="blog.example")  # does not raise


def test_allowed_networks_lift_only_those_networks() -> None:
    policy = AddressPolicy(allowed_networks=["127.0.0.2/32"])
    assert policy.refusal(ipaddress.ip_address("127.0.0.2")) is None
    assert policy.refusal(ipaddress.ip_address("127.0.0.1")) == "loopback"
    assert AddressPolicy(allow_private=True).refusal(ipaddress.ip_address("10.0.0.1")) is None
