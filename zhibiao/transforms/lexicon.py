"""The extractor's knowledge of the language, read from data/lexicon.yaml.

Every word list and named pattern the rules key on is an entry of that file, with why it is
there and examples a test checks, so a statistician can review what the extractor knows and a
new construction is a data edit. The modules ask for entries by name; an unknown name fails
at once (KeyError), so a typo never becomes an empty list.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

PATH = Path(__file__).resolve().parent / "data" / "lexicon.yaml"
_REF = re.compile(r"\{([a-z][a-z0-9_]*)\}")


@cache
def entries() -> dict[str, dict]:
    with PATH.open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    return data["entries"]


def entry(name: str) -> dict:
    try:
        return entries()[name]
    except KeyError:
        raise KeyError(f"lexicon.yaml has no entry {name!r}") from None


@cache
def words(name: str) -> tuple[str, ...]:
    """A word list, longest first: a longer word (个百分点) wins over its prefix (百分点)."""
    found = entry(name).get("words")
    if found is None:
        raise KeyError(f"lexicon entry {name!r} is not a word list")
    return tuple(sorted((str(w) for w in found), key=len, reverse=True))


@cache
def word_set(name: str) -> frozenset[str]:
    return frozenset(words(name))


@cache
def mapping(name: str) -> tuple[tuple[str, object], ...]:
    """A word → value table as pairs, longest word first (qualifier words → ge, le …)."""
    found = entry(name).get("map")
    if found is None:
        raise KeyError(f"lexicon entry {name!r} is not a map")
    return tuple(sorted(((str(k), v) for k, v in found.items()), key=lambda kv: -len(kv[0])))


@cache
def alternation(name: str) -> str:
    """A word list (or a map's words) as a regex alternation, escaped, longest first."""
    if "map" in entry(name):
        return "|".join(re.escape(w) for w, _ in mapping(name))
    return "|".join(re.escape(w) for w in words(name))


@cache
def source(name: str) -> str:
    """A pattern's regex text with every {entry} replaced by that entry as a group."""
    e = entry(name)
    if "pattern" not in e:
        return f"(?:{alternation(name)})"
    return _REF.sub(lambda m: f"(?:{source(m[1])})", str(e["pattern"]))


@cache
def regex(name: str) -> re.Pattern[str]:
    """A named pattern (or a word list as one), compiled once."""
    return re.compile(source(name))


def template(name: str) -> str:
    """A text with {fields} the caller fills (比{year}年)."""
    found = entry(name).get("template")
    if found is None:
        raise KeyError(f"lexicon entry {name!r} is not a template")
    return str(found)
