"""pipeline.memory: the process gives freed memory back between batches."""

import platform

import pytest

from pipeline import memory

pytestmark = pytest.mark.processes  # starts other processes

glibc = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc arenas and malloc_trim are glibc's")


@glibc
def test_the_arena_cap_is_applied(monkeypatch):
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert memory.limit_arenas() is True


def test_an_operator_setting_wins(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert memory.limit_arenas() is False


@glibc
def test_released_memory_goes_back_to_the_system():
    import psutil

    process = psutil.Process()
    before = process.memory_info().rss
    blocks = [bytearray(64 * 1024) for _ in range(4096)]  # 256 MB in blocks below glibc's mmap threshold
    held = process.memory_info().rss
    kept = blocks[::64]  # a few live blocks scattered over the heap: free() alone cannot shrink it
    del blocks
    freed = process.memory_info().rss
    memory.release_memory()
    after = process.memory_info().rss
    assert len(kept) == 64
    assert held - before > 200 * 2**20 and freed - before > 200 * 2**20
    assert after - before < 96 * 2**20
