"""GET a URL of the open web safely and politely: the one way the pipeline reads the network.

Safe: only http/https to public addresses (`pipeline.web.policy`, checked again for every connection and
redirect hop by `pipeline.web.guard`), redirects followed by hand (at most `MAX_REDIRECTS`, none of their bodies
read), the body read within a byte limit counted after decompression (`pipeline.web.body`), and one deadline for
the whole request — every attempt, redirect and slow read included. Polite: one client (connections reused), a
pause between two requests to one host, retries with backoff on timeouts, connection errors and 5xx answers, a
user agent naming the project.

Each limit has a default here and a `PIPELINE_FETCH_*` environment variable (`Limits.from_env`); docs/operations.md's
"Safe inputs" section lists them. A refusal or a breach raises `FetchError` with the reject reason to store.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, fields
from urllib.parse import urlsplit

from pipeline import __version__
from pipeline.web.body import ACCEPT_ENCODING, TooLarge, UnsupportedEncoding, byte_limit, read_limited
from pipeline.web.policy import Policy, Refused, parse_allow

USER_AGENT = f"ru-technews-pipeline/{__version__} (news claims extraction; at most one request per second per site)"
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Limits:
    """What one fetch may cost. Environment: PIPELINE_FETCH_<FIELD> (e.g. PIPELINE_FETCH_MAX_BYTES)."""

    timeout: float = 20.0  # seconds one connect, read or write may wait
    deadline: float = 60.0  # seconds one URL may take in all: attempts, redirects, pauses and reads
    max_bytes: int = 5_000_000  # bytes of a feed or page after decompression
    retries: int = 2  # attempts after the first one (timeouts, connection errors, 5xx)
    pause: float = 1.0  # seconds between two requests to one host
    feed_deadline: float = 600.0  # seconds for one feed and all the pages of its new items
    max_items: int = 300  # new pages fetched per run, all feeds together; the rest wait for the next run
    allow: str = ""  # networks, addresses or host names fetched although not public (comma-separated)

    @classmethod
    def from_env(cls, **overrides) -> Limits:
        """The defaults, then the environment, then `overrides` (None: keep); a malformed value is an error."""
        values = {}
        for spec in fields(cls):
            raw = os.environ.get(f"PIPELINE_FETCH_{spec.name.upper()}")
            if raw is None or raw.strip() == "":
                continue
            kind = type(getattr(cls, spec.name))
            try:
                values[spec.name] = kind(raw.strip()) if kind is not int else int(float(raw))
            except ValueError:
                raise ValueError(f"PIPELINE_FETCH_{spec.name.upper()}={raw!r} is not a {kind.__name__}") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        limits = cls(**values)
        parse_allow(limits.allow)  # fail now, not at the first feed
        return limits


class FetchError(Exception):
    """A URL that was not fetched: `reason` is the reject reason, `detail` says what happened."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int
    content_type: str | None
    body: bytes  # empty unless status is 200


class Fetcher:
    """One client for a run's fetches; `get(url)` returns a `Fetched` or raises `FetchError`."""

    def __init__(self, limits: Limits | None = None, policy: Policy | None = None, **overrides):
        import httpx

        from pipeline.web.guard import GuardedTransport

        self.limits = limits or Limits.from_env(**overrides)
        self.policy = policy or Policy(parse_allow(self.limits.allow))
        self.client = httpx.Client(transport=GuardedTransport(self.policy), follow_redirects=False, trust_env=False,
                                   timeout=self.limits.timeout,
                                   headers={"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING})
        self.last: dict[str, float] = {}

    def get(self, url: str, until: float | None = None) -> Fetched:
        """GET `url` within the request deadline (and `until`, a `time.monotonic()` moment such as a feed's)."""
        import httpx

        from pipeline.web.guard import deadline

        started = time.monotonic()
        budget = self.limits.deadline if until is None else min(self.limits.deadline, until - started)
        attempts = self.limits.retries + 1
        try:
            self.policy.check_url(url)
        except Refused as exc:
            raise FetchError("blocked_url", str(exc)) from None
        with deadline(max(budget, 0.0)) as ends:
            for attempt in range(attempts):
                try:
                    self._wait_for_host(url, ends)
                    fetched = self._follow(url)
                except Refused as exc:
                    raise FetchError("blocked_url", str(exc)) from None
                except TooLarge as exc:
                    raise FetchError("too_large", str(exc)) from None
                except UnsupportedEncoding as exc:
                    raise FetchError("fetch_error", str(exc)) from None
                except httpx.TimeoutException as exc:  # a slow read, or the deadline (DeadlineExceeded)
                    if time.monotonic() >= ends - 0.01:
                        raise FetchError("timeout", f"no complete answer within the {budget:.0f} s deadline "
                                                    f"(attempt {attempt + 1})") from None
                    if attempt + 1 == attempts:
                        raise FetchError("timeout", f"{type(exc).__name__} after {attempts} attempt(s) of "
                                                    f"{self.limits.timeout:.0f} s per read") from None
                except httpx.UnsupportedProtocol as exc:
                    raise FetchError("blocked_url", f"redirected to a URL that is not http/https: {exc}") from None
                except httpx.TooManyRedirects as exc:
                    raise FetchError("fetch_error", str(exc)) from None
                except httpx.TransportError as exc:
                    if attempt + 1 == attempts:
                        raise FetchError("fetch_error", f"{type(exc).__name__}: {exc}") from None
                except httpx.InvalidURL as exc:
                    raise FetchError("blocked_url", f"not a valid URL: {exc}") from None
                else:
                    if fetched.status < 500 or attempt + 1 == attempts:
                        return fetched
                backoff = min(0.5 * 2 ** attempt, 8.0)
                if time.monotonic() + backoff >= ends:
                    raise FetchError("timeout", f"the {budget:.0f} s deadline left no time for attempt {attempt + 2}")
                time.sleep(backoff)
        raise AssertionError("unreachable")

    def _wait_for_host(self, url: str, ends: float) -> None:
        host = urlsplit(url).netloc.lower()
        wait = self.last.get(host, float("-inf")) + self.limits.pause - time.monotonic()
        if wait > 0:
            if time.monotonic() + wait >= ends:
                from pipeline.web.guard import DeadlineExceeded

                raise DeadlineExceeded("the pause between requests to one host would pass the deadline")
            time.sleep(wait)
        self.last[host] = time.monotonic()

    def _follow(self, url: str) -> Fetched:
        """One attempt: the request and its redirects, each hop checked before it is requested."""
        request = self.client.build_request("GET", url)
        for hop in range(MAX_REDIRECTS + 1):
            if hop:
                self.policy.check_url(str(request.url))
            response = self.client.send(request, stream=True)
            try:
                if response.next_request is None:
                    return self._body(response)
                request = response.next_request
            finally:
                response.close()  # a redirect's body is never read
            self.last[urlsplit(str(request.url)).netloc.lower()] = time.monotonic()
        import httpx

        raise httpx.TooManyRedirects(f"more than {MAX_REDIRECTS} redirects", request=request)

    def _body(self, response) -> Fetched:
        content_type = response.headers.get("content-type")
        if response.status_code != 200:
            return Fetched(str(response.url), response.status_code, content_type, b"")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.limits.max_bytes:
            raise TooLarge(f"Content-Length {int(declared)} bytes is over {byte_limit(self.limits.max_bytes)}")
        body = read_limited(response.iter_raw(), response.headers.get("content-encoding"), self.limits.max_bytes)
        return Fetched(str(response.url), 200, content_type, body)

    def close(self) -> None:
        self.client.close()
