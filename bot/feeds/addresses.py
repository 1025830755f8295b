"""Which network addresses the bot may fetch from (server-side request forgery protection).

A feed URL is typed by a Discord admin, and every redirect or DNS answer is chosen by whoever runs
the blog, so both are untrusted: without this check a feed could point the bot at its own
database port, the cloud metadata service or the admin panel of the router next to it.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from bot.feeds.errors import PRIVATE_ADDRESS_HINT, AddressRefused

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# One part of an inet_aton() spelling: hex (0x7f), octal (0177) or decimal (127).
_NUMERIC_PART = re.compile(r"^(?:0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*)$")
_SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT (RFC 6598)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _loose_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The address that C's inet_aton (and so getaddrinfo, curl, browsers) reads from `host`.

    `2130706433`, `0x7f.1`, `0177.0.0.1` and `127.1` all mean 127.0.0.1; a check that only knows
    dotted quads would wave them through.
    """
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or not all(_NUMERIC_PART.match(part) for part in parts):
        return None
    numbers = []
    for part in parts:
        if part[:2].lower() == "0x":
            numbers.append(int(part[2:] or "0", 16))
        elif len(part) > 1 and part.startswith("0"):
            numbers.append(int(part, 8))
        else:
            numbers.append(int(part))
    *leading, last = numbers
    if any(number > 255 for number in leading) or last >= 256 ** (4 - len(leading)):
        return None
    value = 0
    for number in leading:
        value = value * 256 + number
    value = value * 256 ** (4 - len(leading)) + last
    return ipaddress.IPv4Address(value)


def parse_ip_host(host: str) -> IPAddress | None:
    """The IP address a URL host names literally (in any spelling), or None for a host name."""
    candidate = host.strip()
    if candidate.startswith("[") and candidate.endswith("]"):
        candidate = candidate[1:-1]
    candidate = candidate.replace("%25", "%")  # percent-encoded IPv6 zone
    if candidate.endswith(".") and not candidate.endswith(".."):
        candidate = candidate[:-1]
    try:
        return ipaddress.ip_address(candidate)
    except ValueError:
        pass
    if ":" in candidate:
        return None
    return _loose_ipv4(candidate)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address tunnels to, where the kernel or a gateway would use it."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_class(address: IPAddress) -> str | None:
    """Why `address` is not a public internet address ("loopback", "private", ...), or None if it is."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            inner = address_class(embedded)
            if inner is not None:
                return f"{inner} (IPv4 {embedded} inside IPv6)"
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if address.is_reserved:
        return "reserved"
    if address.is_private:
        return "private"
    if isinstance(address, ipaddress.IPv4Address) and address in _SHARED_ADDRESS_SPACE:
        return "shared (carrier-grade NAT)"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return "site-local"
    if not address.is_global:
        return "non-public"
    return None


def _display(address: IPAddress) -> str:
    """The address as people write it: ::ffff:127.0.0.1 rather than ::ffff:7f00:1."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return f"::ffff:{address.ipv4_mapped}"
    return address.compressed


class AddressPolicy:
    """Decides whether the bot may connect to an address.

    `allow_private` lifts the check (self-hosted blogs, tests); `allowed_networks` lifts it for a
    few networks only, which lets tests treat one local address as "the public internet" while the
    real loopback address stays refused.
    """

    def __init__(self, *, allow_private: bool = False, allowed_networks: Iterable[str | IPNetwork] = ()) -> None:
        self.allow_private = allow_private
        self.allowed_networks: tuple[IPNetwork, ...] = tuple(
            ipaddress.ip_network(network) if isinstance(network, str) else network for network in allowed_networks
        )

    def refusal(self, address: IPAddress) -> str | None:
        """The address class that makes `address` refused, or None when it may be used."""
        if self.allow_private:
            return None
        plain = ipaddress.ip_address(address.compressed.split("%", 1)[0])
        if any(plain.version == network.version and plain in network for network in self.allowed_networks):
            return None
        return address_class(plain)

    def check(self, address: IPAddress, *, host: str, url: str | None = None) -> None:
        """Raise AddressRefused (with an admin-readable reason) unless `address` may be used."""
        kind = self.refusal(address)
        if kind is None:
            return
        shown = _display(address)
        subject = f"{shown} is" if parse_ip_host(host) is not None else f"{host} resolves to {shown}, which is"
        raise AddressRefused(
            f"refused to connect: {subject} a {kind} address, and reader-bot only fetches feeds from public "
            f"internet addresses; {PRIVATE_ADDRESS_HINT}",
            url=url,
            address=shown,
        )
