"""Keep a long run's memory flat: give freed memory back to the system between batches.

Measured on 2 000 articles (32 batches of 64, commits included), the flow's process grew ~6 MB per batch
without ever holding more live data: every Delta commit runs on delta-rs's tokio threads, each new thread gets
its own glibc malloc arena, and memory freed in an arena stays with the process. With at most two arenas and a
trim after each batch the growth fell to ~0.6 MB per batch (and the process ended 130 MB lower). Pyarrow's own
pool (mimalloc) is asked to release what it holds too. Pure code: no Prefect here; a no-op off glibc.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from functools import cache

M_ARENA_MAX = -8  # glibc's mallopt parameter number (malloc.h)
ARENAS = 2


@cache
def _libc():
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas for threads created from now on (`MALLOC_ARENA_MAX`, when set, wins).
    Returns whether the cap was applied."""
    libc = _libc()
    if libc is None or os.environ.get("MALLOC_ARENA_MAX"):
        return False
    return bool(libc.mallopt(M_ARENA_MAX, arenas))


def release_memory() -> None:
    """Return freed memory to the system: pyarrow's pool first, then every malloc arena (`malloc_trim`)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
