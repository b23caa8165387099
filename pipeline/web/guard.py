"""The connection layer of every fetch: the address policy at connect time and one deadline per request.

httpx hands every connection (the first request and each redirect hop) to an httpcore *network backend*. This
one resolves the host itself, refuses it when any address is not public (`pipeline.web.policy`), and connects to
an address it vetted, so a DNS answer that changes between a check and the connection cannot slip through. Its
streams bound every read, write and TLS handshake by the deadline of the request being served (a context
variable set by the fetcher): httpx's own timeout is per read, so a server trickling one byte every few seconds
would otherwise hold a fetch for ever.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Iterator

import httpcore
import httpx

from pipeline.web.policy import Policy, Refused

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("fetch_deadline", default=None)


class DeadlineExceeded(httpx.TimeoutException):
    """The request's total time ran out (not one slow read)."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[float]:
    """Every network operation inside the block ends by `seconds` from now (`time.monotonic()` clock)."""
    until = time.monotonic() + seconds
    token = _deadline.set(until)
    try:
        yield until
    finally:
        _deadline.reset(token)


def _bounded(timeout: float | None) -> float | None:
    until = _deadline.get()
    if until is None:
        return timeout
    left = until - time.monotonic()
    if left <= 0:
        raise DeadlineExceeded("the request's deadline passed")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every operation is bounded by the current request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream):
        self.inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, _bounded(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, _bounded(timeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, ssl_context, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return DeadlineStream(self.inner.start_tls(ssl_context, server_hostname, _bounded(timeout)))

    def get_extra_info(self, info: str):
        return self.inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """Connects only to addresses the policy allows, within the request's deadline."""

    def __init__(self, policy: Policy):
        self.policy = policy
        self.inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options=None) -> httpcore.NetworkStream:
        try:
            addresses = self.policy.vet(host, port)
        except LookupError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        error: Exception | None = None
        for address in addresses:  # each one vetted: connect to it, never to a fresh lookup of the name
            try:
                return DeadlineStream(self.inner.connect_tcp(address, port, _bounded(timeout), local_address,
                                                             socket_options))
            except httpcore.ConnectError as exc:
                error = exc
        raise error or httpcore.ConnectError(f"no address for {host}")

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options=None):
        raise Refused("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over the guarded backend: no proxy (a proxy from the environment would make the
    connection, and the check, somewhere else) and the system's certificates."""

    def __init__(self, policy: Policy, limits: httpx.Limits | None = None):
        super().__init__(trust_env=False)
        limits = limits or httpx.Limits(max_connections=10, max_keepalive_connections=5)
        # httpx builds its httpcore pool without a way to pass a network backend: build the same pool with ours
        self._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(trust_env=False),
                                             max_connections=limits.max_connections,
                                             max_keepalive_connections=limits.max_keepalive_connections,
                                             keepalive_expiry=limits.keepalive_expiry,
                                             network_backend=GuardedBackend(policy))
