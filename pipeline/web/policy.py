"""Which URLs may be fetched, and which may become a link: the rules, no I/O but name resolution.

Fetching is default-deny for everything that is not the public internet: a feed anyone can publish must not
make the pipeline read the Prefect API, a cloud metadata endpoint or an intranet page and store it as an
article. A URL is fetched only when its scheme is http or https and *every* address its host resolves to is
public; loopback, private, link-local, shared (CGNAT), multicast, reserved and unspecified addresses are refused,
however they are spelled (`2130706433`, `0177.0.0.1`, `127.1`, `[::ffff:127.0.0.1]`, a DNS name that resolves
there). `pipeline.web.guard` applies the same check to the address each connection actually opens, so every
redirect hop and a DNS answer that changes between check and connect are covered too.

Operators who do want an intranet feed list it in `PIPELINE_FETCH_ALLOW`: comma-separated networks, addresses or
host names, each optionally with a port (`10.1.2.0/24`, `127.0.0.1:8080`, `[::1]:8080`, `feeds.corp.example`).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
NAT64 = ipaddress.ip_network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]


class Refused(Exception):
    """The fetch policy refuses this URL or address (the reject reason `blocked_url`)."""

    reason = "blocked_url"


# ---------------------------------------------------------------------------
# links in pages people open
# ---------------------------------------------------------------------------

_C0_OR_SPACE = "".join(chr(c) for c in range(0x21))
_TAB_OR_NEWLINE = re.compile("[\t\n\r]")


def link_target(url: str | None) -> str | None:
    """`url` fit for an `href`, or None: a browser first strips leading and trailing control characters and
    spaces and drops every tab and newline (WHATWG URL parsing), so ` JaVa\tScript:…` is `javascript:`; only
    http and https with a host survive. Escape the result for its attribute as any other text."""
    if not isinstance(url, str):
        return None
    cleaned = _TAB_OR_NEWLINE.sub("", url.strip(_C0_OR_SPACE))
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return None
    if parts.scheme.lower() not in SCHEMES or not parts.netloc or any(ord(c) < 0x20 or c == "\x7f" for c in cleaned):
        return None
    return cleaned


# ---------------------------------------------------------------------------
# addresses
# ---------------------------------------------------------------------------


def address_problem(address: IPAddress) -> str | None:
    """Why `address` is not a public internet address (None: it is). IPv6 forms that carry an IPv4 address
    (IPv4-mapped, 6to4, Teredo, NAT64) are judged by the address they carry."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            problem = address_problem(embedded)
            return f"{problem}, carried in an IPv6 address" if problem else None
    for test, name in (("is_unspecified", "unspecified"), ("is_loopback", "loopback"),
                       ("is_link_local", "link-local"), ("is_multicast", "multicast"), ("is_reserved", "reserved"),
                       ("is_private", "private")):
        if getattr(address, test):
            return name
    if not address.is_global:
        return "not globally routable"
    return None


@dataclass(frozen=True)
class AllowEntry:
    """One `PIPELINE_FETCH_ALLOW` entry: a network or a host name, optionally one port of it."""

    network: ipaddress.IPv4Network | ipaddress.IPv6Network | None
    host: str | None
    port: int | None

    def matches(self, host: str, address: IPAddress, port: int) -> bool:
        if self.port is not None and self.port != port:
            return False
        if self.network is not None:
            return address.version == self.network.version and address in self.network
        return self.host == host.lower().rstrip(".")


def parse_allow(text: str | Iterable[str] | None) -> tuple[AllowEntry, ...]:
    """Allow-list entries from `10.0.0.0/8, 127.0.0.1:8080, [::1]:9000, feeds.corp.example`; a malformed entry
    is an error (a typo must not silently allow nothing, or everything)."""
    if text is None:
        return ()
    items = [p.strip() for p in text.split(",")] if isinstance(text, str) else [str(p).strip() for p in text]
    entries = []
    for item in filter(None, items):
        name, port = item, None
        bracketed = re.fullmatch(r"\[([^\]]+)\](?::(\d+))?", item)
        if bracketed:
            name, port = bracketed.group(1), bracketed.group(2)
        elif item.count(":") == 1:
            name, port = item.split(":")
        try:
            port = int(port) if port is not None else None
        except ValueError:
            raise ValueError(f"PIPELINE_FETCH_ALLOW entry {item!r}: the port is not a number") from None
        if port is not None and not 0 < port < 65536:
            raise ValueError(f"PIPELINE_FETCH_ALLOW entry {item!r}: no such port")
        try:
            entries.append(AllowEntry(ipaddress.ip_network(name, strict=False), None, port))
            continue
        except ValueError:
            pass
        if not re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?\.?", name):
            raise ValueError(f"PIPELINE_FETCH_ALLOW entry {item!r} is neither a network, an address nor a host name")
        entries.append(AllowEntry(None, name.lower().rstrip("."), port))
    return tuple(entries)


def resolve(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to, as the system's resolver reads it (so `127.1` and `2130706433` are
    127.0.0.1, as they would be when connecting)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


@dataclass(frozen=True)
class Policy:
    """The fetch policy: public addresses only, plus the operator's allow-list."""

    allow: tuple[AllowEntry, ...] = ()
    resolver: Resolver = resolve

    def vet(self, host: str, port: int) -> list[str]:
        """The addresses a connection to host:port may use; raises `Refused` when any of them is not public and
        not allowed (a name with one private answer among public ones is refused: the next lookup may pick it)."""
        host = host.strip("[]")
        try:
            addresses = [ipaddress.ip_address(host)]
        except ValueError:
            try:
                addresses = [ipaddress.ip_address(a.split("%")[0]) for a in self.resolver(host, port)]
            except (OSError, UnicodeError) as exc:  # no such name: the connection reports it
                raise LookupError(f"cannot resolve {host}: {exc}") from exc
        for address in addresses:
            problem = address_problem(address)
            if problem and not any(entry.matches(host, address, port) for entry in self.allow):
                shown = host if host == str(address) else f"{host} ({address})"
                raise Refused(f"{shown} is not a public address ({problem}): not fetched "
                              "(PIPELINE_FETCH_ALLOW lets named ones through)")
        return [str(a) for a in addresses]

    def check_url(self, url: str) -> None:
        """Refuse a URL before any request: a scheme other than http/https, no host, or a host whose addresses are
        not public. A name that does not resolve passes: the request then fails with the resolver's error."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise Refused(f"not a valid URL: {exc}") from None
        scheme = parts.scheme.lower()
        if scheme not in SCHEMES:
            raise Refused(f"{scheme + ':' if scheme else 'a URL without a scheme'} is not fetched: only http and https")
        if not parts.hostname:
            raise Refused("the URL has no host")
        try:
            self.vet(parts.hostname, port or DEFAULT_PORTS[scheme])
        except LookupError:
            pass
