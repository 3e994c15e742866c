"""Caches that live for one document.

The stages ask the same pure questions of one document many times (the clause start of a
figure, the cleaned label, the catalog code of a label, the periods of a sentence): each
figure goes through some thirty rules, several of which ask them again. Cached for the
document only, so that a corpus of many documents costs what reading each one does; a cache
kept across documents would make a benchmark of repeated phrasing look faster than real
releases read.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

_CACHES: list = []


def per_document(fn: Callable) -> Callable:
    """Cache a pure function of its arguments until the next document."""
    cached = lru_cache(maxsize=1 << 14)(fn)
    _CACHES.append(cached)
    return cached


def new_document() -> None:
    """Forget the last document's answers."""
    for cached in _CACHES:
        cached.cache_clear()
