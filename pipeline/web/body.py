"""A response body read within a byte limit, counted after decompression, and decoded as a browser would.

A 500 KB gzip bomb is half a gigabyte once inflated: the limit is on the bytes the parser would get, and each
compressed chunk is inflated only as far as the limit (`zlib`'s `max_length`), so memory stays at the limit
whatever the ratio. Only the encodings the fetcher asks for (gzip, deflate) are inflated here.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from w3lib.encoding import html_to_unicode


class TooLarge(Exception):
    """More bytes than the limit (the reject reason `too_large`)."""

    reason = "too_large"


class UnsupportedEncoding(Exception):
    """A Content-Encoding the fetcher did not ask for."""


ACCEPT_ENCODING = "gzip, deflate"


def byte_limit(limit: int) -> str:
    """A byte limit as people read it: `the 5 000 000 byte limit`."""
    return f"the {limit:,} byte limit".replace(",", "\u00a0")


class _Inflater:
    """One gzip or deflate layer, inflated at most `room` bytes at a time (concatenated gzip members too)."""

    def __init__(self, coding: str):
        self.coding = coding
        self.raw_deflate = False
        self.engine = self._new()
        self.pending = b""

    def _new(self):
        if self.coding == "gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        return zlib.decompressobj(-zlib.MAX_WBITS if self.raw_deflate else zlib.MAX_WBITS)

    def feed(self, data: bytes, room: int) -> bytes:
        """Inflate `data` (plus what an earlier call left) up to room + 1 bytes; the rest waits in `pending`."""
        data, self.pending = self.pending + data, b""
        out = []
        while data and room >= 0:
            try:
                chunk = self.engine.decompress(data, room + 1)
            except zlib.error:
                if self.coding == "deflate" and not self.raw_deflate and not out:  # deflate without its zlib header
                    self.raw_deflate = True
                    self.engine = self._new()
                    chunk = self.engine.decompress(data, room + 1)
                else:
                    raise
            out.append(chunk)
            room -= len(chunk)
            if self.engine.unconsumed_tail:
                data = self.engine.unconsumed_tail
                if room < 0:
                    self.pending = data
                    break
            elif self.engine.eof and self.engine.unused_data.strip(b"\x00"):
                data, self.engine = self.engine.unused_data, self._new()  # the next gzip member
            else:
                data = b""
        return b"".join(out)


def read_limited(chunks: Iterable[bytes], content_encoding: str | None, limit: int) -> bytes:
    """The body of raw (still encoded) `chunks` after removing `content_encoding`; raises `TooLarge` past `limit`
    bytes (decoded), `UnsupportedEncoding` for an encoding other than gzip/deflate/identity."""
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    unknown = [c for c in codings if c not in {"gzip", "x-gzip", "deflate"}]
    if unknown:
        raise UnsupportedEncoding(f"Content-Encoding {', '.join(unknown)} (asked for {ACCEPT_ENCODING})")
    layers = [_Inflater("gzip" if c == "x-gzip" else c) for c in reversed(codings)]  # the last applied comes off first
    body = bytearray()
    raw = 0
    try:
        for chunk in chunks:
            raw += len(chunk)
            if raw > limit and not layers:
                raise TooLarge(f"over {byte_limit(limit)}")
            for layer in layers:
                chunk = layer.feed(chunk, limit - len(body))
            body += chunk
            if len(body) > limit:
                raise TooLarge(f"over {byte_limit(limit)} once decompressed")
    except zlib.error as exc:
        raise UnsupportedEncoding(f"a corrupt {codings[0]} body: {exc}") from exc
    return bytes(body)


def decode_html(content_type: str | None, body: bytes) -> tuple[str, str]:
    """(encoding, text) of an HTML page: its byte order mark, else the HTTP header's charset, else a `<meta>`
    declaration, else what the bytes look like (UTF-8, else the likeliest Cyrillic legacy encoding)."""
    return html_to_unicode(content_type, body, default_encoding="utf-8", auto_detect_fun=detect_encoding)


def detect_encoding(body: bytes) -> str | None:
    """An encoding for bytes that declare none: UTF-8 when they are valid UTF-8, else charset-normalizer's guess
    (it reads windows-1251 and KOI8-R Russian well)."""
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(body[:200_000]).best()
    return best.encoding if best is not None else None
