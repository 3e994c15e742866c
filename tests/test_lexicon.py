"""The extractor's knowledge is data: each lexicon entry pinned by its examples, none unused,
and no Chinese literal hiding in the extractor's code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from zhibiao.transforms import lexicon

ROOT = Path(__file__).resolve().parents[1]
# The extractor's modules: the package, the catalog matcher and the data loaders.
EXTRACTOR = sorted((ROOT / "zhibiao" / "transforms" / "extract").glob("*.py")) + [
    ROOT / "zhibiao" / "transforms" / name for name in ("catalog.py", "lexicon.py", "units.py")
]
# CJK ideographs, CJK punctuation and full-width forms: the text of Chinese prose.
CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
ENTRIES = lexicon.entries()


def _docstrings(tree: ast.AST) -> set[int]:
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, kinds)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


@pytest.mark.parametrize("path", EXTRACTOR, ids=lambda p: p.name)
def test_no_chinese_literal_outside_the_data_files(path):
    """Docstrings and comments may quote Chinese; code may not spell it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    found = [
        f"line {node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docs
        and CHINESE.search(node.value)
    ]
    assert found == [], f"{path.name} spells Chinese in code; move it to lexicon.yaml"


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_entry_says_why_and_shows_an_example(name):
    entry = ENTRIES[name]
    kinds = {"words", "map", "pattern", "template"} & set(entry)
    assert len(kinds) == 1, f"{name} must be exactly one of words, map, pattern, template"
    assert str(entry.get("why", "")).strip(), f"{name} has no why"
    assert entry.get("examples"), f"{name} has no example"


@pytest.mark.parametrize("name", sorted(n for n, e in ENTRIES.items() if "pattern" in e))
def test_pattern_matches_its_examples_and_not_its_counter_examples(name):
    pattern = lexicon.regex(name)
    for example in ENTRIES[name]["examples"]:
        assert pattern.search(str(example)), f"{name} does not match its example {example!r}"
    for counter in ENTRIES[name].get("not", []):
        assert not pattern.search(str(counter)), f"{name} matches its counter-example {counter!r}"


@pytest.mark.parametrize(
    "name", sorted(n for n, e in ENTRIES.items() if "words" in e or "map" in e)
)
def test_each_example_holds_one_of_the_words(name):
    entry = ENTRIES[name]
    if "words" in entry:
        words = [str(w) for w in entry["words"]]
    else:  # a map: its words, or the words it maps to
        values = [
            v
            for value in entry["map"].values()
            for v in (value if isinstance(value, list) else [value])
        ]
        words = [str(w) for w in [*entry["map"], *values]]
    for example in entry["examples"]:
        assert any(w in str(example) for w in words), f"{name}: {example!r} holds none of its words"


def test_every_entry_is_used_by_the_code():
    """An entry no module asks for is knowledge nobody applies (or a typo'd name)."""
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "zhibiao").rglob("*.py"))
    referenced = "\n".join(str(e.get("pattern", "")) for e in ENTRIES.values())
    unused = [
        name
        for name in ENTRIES
        if f'"{name}"' not in code and f"'{name}'" not in code and f"{{{name}}}" not in referenced
    ]
    assert unused == []
