"""Addresses of articles and feeds, pure functions: the canonical form of an article's address
(so that the same article reached from two feeds, or with tracking parameters, is one item), and
which feed addresses may be fetched at all (http(s) only; never the server's own network in
production, so a source cannot make the server reach inside the province's network)."""

from __future__ import annotations

import hashlib
import ipaddress
import socket
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only say where a reader came from; dropped from the canonical address.
TRACKING = ("utm_", "fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "zarsrc")
MAX_URL = 2000


def is_web_address(value: str) -> bool:
    """An absolute http(s) address with a host: the only links shown or fetched."""
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and len(value) <= MAX_URL


def canonical(url: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, no tracking parameters, the
    remaining query sorted; a trailing slash on the path kept as given."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(TRACKING)
    )
    return urlunsplit((scheme, host, parts.path or "/", urlencode(query), ""))


def key(url: str) -> str:
    """The unique key of an article: the SHA-256 of its canonical address."""
    return hashlib.sha256(canonical(url).encode()).hexdigest()


def _private(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return not ip.is_global or ip.is_multicast


def private_host(url: str) -> bool:
    """Whether the address names, or resolves to, a loopback, private, link-local or reserved
    address. A host that does not resolve is not private (the fetch will fail on its own)."""
    host = urlsplit(url).hostname or ""
    try:
        return _private(host)
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    return any(_private(str(info[4][0])) for info in infos)
