"""How an entry is recognised again on the next poll, however the feed dresses it up.

Feeds re-send the same entry with new tracking parameters, a different fragment or a changed
host case; the bot must post it once. Identity: the entry's guid/id, else its canonical link,
else a hash of title and date.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from urllib.parse import unquote_plus, urlsplit, urlunsplit

# Query parameters that only say where a click came from; they never change what the page shows.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
        "igshid", "igsh", "mc_cid", "mc_eid", "ref", "ref_src", "ref_url", "referrer",
        "_hsenc", "_hsmi", "__hstc", "__hssc", "__hsfp", "hsctatracking", "mkt_tok", "oly_anon_id",
        "oly_enc_id", "vero_id", "vero_conv", "wickedid", "rb_clickid", "s_cid", "at_medium",
        "at_campaign", "spm", "scid", "cmpid", "_ga", "_gl", "srsltid", "si",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "piwik_", "matomo_")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(name: str) -> bool:
    key = unquote_plus(name).strip().lower()
    return key in TRACKING_PARAMETERS or key.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """`url` without tracking parameters and fragment, with lower-case scheme/host and no default port.

    Other query parameters keep their order and spelling (they may select the content). Anything
    that is not an http(s) URL comes back stripped but otherwise unchanged.
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS or not parts.hostname:
            return text
        host = parts.hostname.lower().rstrip(".") if not parts.hostname.endswith("..") else parts.hostname.lower()
        port = parts.port
    except ValueError:
        return text
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username is not None:
        userinfo = parts.netloc.rsplit("@", 1)[0]
        netloc = f"{userinfo}@{netloc}"
    kept = [pair for pair in parts.query.split("&") if pair and not _is_tracking(pair.split("=", 1)[0])]
    return urlunsplit((scheme, netloc, parts.path or "/", "&".join(kept), ""))


def entry_identity(
    entry_id: str | None,
    link: str | None,
    title: str | None = None,
    published: datetime | None = None,
    text: str | None = None,
) -> str:
    """A stable string naming one entry: guid/id, else canonical link, else a hash of title and date
    (and of `text`, the entry's content, when it has neither title nor date)."""
    if entry_id and entry_id.strip():
        return entry_id.strip()
    if link and link.strip():
        return canonical_url(link)
    fingerprint = f"{(title or '').strip()}\n{published.isoformat() if published else ''}"
    if not (title or "").strip() and published is None:
        fingerprint += f"\n{(text or '').strip()}"
    return "sha256:" + hashlib.sha256(fingerprint.encode("utf-8")).hexdigest()


def entry_key(identity: str) -> str:
    """Fixed-size key for storage (SeenEntry.entry_key): sha256 hex digest, 64 characters."""
    return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()
