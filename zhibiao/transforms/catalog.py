"""Indicator and region knowledge lives in CSV so that a new synonym is a data edit, not code."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import ahocorasick
import pandas as pd

from zhibiao.transforms import lexicon, units
from zhibiao.transforms.memo import per_document

DATA = Path(__file__).parent / "data"

# The words and patterns the matcher normalises with are entries of data/lexicon.yaml
# (catalog_*, region_guards, town_after_short_name); units and their dimensions come from
# data/units.csv.


# ---- Tables ------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _catalog_table() -> pd.DataFrame:
    df = pd.read_csv(DATA / "indicators.csv", dtype=str, keep_default_na=False, encoding="utf-8")
    return df.astype({"headline": "int64"})


@lru_cache(maxsize=1)
def _regions_table() -> pd.DataFrame:
    return pd.read_csv(DATA / "regions.csv", dtype=str, keep_default_na=False, encoding="utf-8")


def load_catalog() -> pd.DataFrame:
    """A copy, so that a caller adding columns cannot change what the matcher reads."""
    return _catalog_table().copy()


def load_regions() -> pd.DataFrame:
    """A copy, for the same reason as load_catalog; level `alias` rows are former names."""
    return _regions_table().copy()


# ---- Indicators --------------------------------------------------------------------------
def _normalize(text: str) -> str:
    s = unicodedata.normalize("NFKC", text)
    s = lexicon.regex("catalog_ignored_chars").sub("", s)
    s = lexicon.regex("catalog_asides").sub("", s)
    s = lexicon.regex("catalog_share_scope").sub("", s)
    s = s.upper()
    for old, new in lexicon.mapping("catalog_abbreviations"):
        s = s.replace(old, str(new))
    return s.strip("".join(lexicon.words("catalog_edge_punctuation")))


def indicator_aliases() -> dict[str, str]:
    """The matcher's view of the CSV, so tests and reviewers see collisions as it does.

    Raises on an alias claimed by two codes: that is a data defect, never a tie to break.
    """
    return dict(_alias_index())


@lru_cache(maxsize=1)
def _alias_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for code, name, aliases in _catalog_table()[["code", "name_zh", "aliases"]].itertuples(
        index=False
    ):
        for raw in [name, *aliases.split("|")]:
            alias = _normalize(raw)
            if not alias:
                continue
            if len(alias) < 2:
                raise ValueError(f"alias {raw!r} of {code} is too short to match safely")
            other = index.setdefault(alias, code)
            if other != code:
                raise ValueError(f"alias {raw!r} belongs to both {other} and {code}")
    return index


@lru_cache(maxsize=1)
def _alias_automaton() -> ahocorasick.Automaton:
    """Every alias in one Aho-Corasick automaton: one pass over a label finds all the aliases
    it contains, overlapping ones too, where trying each alias in turn cost ~1,400 str.find
    per label (a third of extraction, issue 17). The value carries the alias's rank, longest
    first then by spelling: the order _match tries them in."""
    automaton = ahocorasick.Automaton()
    ranked = sorted(_alias_index().items(), key=lambda kv: (-len(kv[0]), kv[0]))
    for rank, (alias, code) in enumerate(ranked):
        automaton.add_word(alias, (rank, len(alias), code))
    automaton.make_automaton()
    return automaton


@lru_cache(maxsize=1)
def _kinds() -> dict[str, str]:
    table = _catalog_table()
    return dict(zip(table["code"], table["kind"], strict=True))


@lru_cache(maxsize=2)
def _noise(flow: bool) -> re.Pattern[str]:
    words = set(lexicon.words("catalog_noise_words")) | set(_region_forms())
    if flow:
        words |= set(lexicon.words("catalog_flow_only_words"))
    literal = sorted(words, key=len, reverse=True)
    alternatives = [re.escape(w) for w in literal] + [lexicon.source("catalog_period_words")]
    return re.compile("(?:" + "|".join(alternatives) + ")*")


def _is_noise(residue: str, code: str) -> bool:
    if not residue:
        return True
    return _noise(_kinds()[code] == "flow").fullmatch(residue) is not None


@lru_cache(maxsize=8192)
def _match(s: str) -> str | None:
    if not s:
        return None
    exact = _alias_index().get(s)
    if exact is not None:
        return exact
    # Longest alias first, so that 农村居民人均可支配收入 wins over 居民人均可支配收入 and
    # 工业用电量 over 用电量; what is left over must be noise, or the label names something the
    # catalog does not have (第二产业用电量 without its own alias is not 用电量). Each alias's
    # occurrences are tried left to right.
    found = sorted(
        (rank, end + 1 - size, size, code) for end, (rank, size, code) in _alias_automaton().iter(s)
    )
    for _, start, size, code in found:
        if _is_noise(s[:start], code) and _is_noise(s[start + size :], code):
            return code
    return None


@lru_cache(maxsize=1024)
def _dimension(unit: str | None) -> str | None:
    """The dimension of a unit as printed or in base form (万千瓦 and 千瓦 are power)."""
    if not unit:
        return None
    u = re.sub(r"\s", "", unicodedata.normalize("NFKC", unit))
    magnitudes = [m for m, _ in lexicon.mapping("magnitudes")]
    while u:
        found = units.dimension(u)
        if found:
            return found
        prefix = next((m for m in magnitudes if u.startswith(m) and len(u) > len(m)), None)
        if prefix is None:
            return None
        u = u[len(prefix) :]
    return None


@lru_cache(maxsize=1)
def _units() -> dict[str, str]:
    table = _catalog_table()
    return dict(zip(table["code"], table["unit"], strict=True))


def _unit_fits(code: str, dim: str | None) -> bool:
    if dim is None or dim == "ratio":
        return True  # unknown, or a growth/share that any indicator may carry
    expected = _dimension(_units()[code])
    if expected is None:
        return True
    return expected == dim


def _scale_fits(code: str, unit: str | None) -> bool:
    """A rate printed in % is no rate the catalog states in ‰ (死亡率控制在1.93% after a count
    of dead livestock is no population death rate): both are ratios, on different scales."""
    printed, stated = units.get(unit or ""), units.get(_units()[code])
    if printed is None or stated is None or "ratio" not in (printed.dimension, stated.dimension):
        return True
    return printed.dimension != stated.dimension or printed.base == stated.base


@per_document
def match_indicator(label: str, unit: str | None = None) -> str | None:
    """The catalog code a label names, or None when that is not certain.

    An unmapped figure costs a row in a review queue; a wrong code silently corrupts a
    series. So a label matches only when, after normalisation, it is an alias plus words
    that cannot change which series it is. `unit` (the level's unit as printed or in base
    form) resolves family labels such as 商品房销售 and vetoes a match whose unit cannot
    belong to the indicator (粮食 in 亩 is an area, not grain output).
    """
    if not label:
        return None
    s = _normalize(label)
    code = _match(s)
    dim = _dimension(unit)
    suffixes = dict(lexicon.mapping("catalog_unit_suffixes"))
    if code is None and dim in suffixes:
        for suffix in suffixes[dim]:
            code = _match(s + suffix)
            if code is not None:
                break
    if code is not None and unit and _units()[code] != unit:
        # 农牧民转移就业12.3万人次: the member of the family counted in the printed unit
        # (…转移就业人次) is more exact than the one counted in 人
        exact = _match(s + unit)
        code = exact if exact is not None and _units()[exact] == unit else code
    if code is not None and not (_unit_fits(code, dim) and _scale_fits(code, unit)):
        return None
    return code


# ---- Regions -----------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _region_forms() -> dict[str, tuple[str, bool]]:
    """Surface form -> (current name, is a short form); former names point to the new one."""
    forms: dict[str, tuple[str, bool]] = {}

    def add(form: str, name: str, short: bool) -> None:
        other = forms.setdefault(form, (name, short))
        if other[0] != name:
            raise ValueError(f"region form {form!r} names both {other[0]} and {name}")

    for name, short, level, parent in _regions_table()[
        ["name", "short", "level", "parent"]
    ].itertuples(index=False):
        target = parent if level == "alias" else name
        add(name, target, False)
        if short:
            add(short, target, True)
    return forms


def normalize_region(name: str) -> str | None:
    """One spelling per region, so that 林芝, 林芝市 and 林芝地区 are one series."""
    if not name:
        return None
    s = re.sub(r"\s", "", unicodedata.normalize("NFKC", name))
    found = _region_forms().get(s)
    return found[0] if found else None


@lru_cache(maxsize=1)
def _region_rows() -> dict[str, tuple[str, str]]:
    """Current name -> (level, parent), read once: the extractor asks per figure."""
    table = _regions_table()
    rows = table[table["level"] != "alias"]
    return {n: (lv, p) for n, lv, p in rows[["name", "level", "parent"]].itertuples(index=False)}


def parent_region(name: str) -> str | None:
    """The region above: 林芝市 -> 西藏自治区, 墨脱县 -> 林芝市 (what 全区/全市 refer to)."""
    row = _region_rows().get(normalize_region(name or "") or "")
    return (row[1] or None) if row else None


def region_level(name: str) -> str:
    """nation, province, prefecture or county as regions.csv says; never guessed from the
    name's suffix (米林市 is a county, 北京市 a province). `unknown` for a region the
    gazetteer lacks."""
    if name in lexicon.word_set("nation_names"):
        return "nation"
    row = _region_rows().get(normalize_region(name or "") or "")
    return row[0] if row else "unknown"


def find_regions(text: str) -> list[tuple[int, int, str]]:
    """Region mentions left to right, so the extractor can give a figure to the county named.

    Greedy longest match from each position keeps 工布江达县 from being read as 江达;
    words in _REGION_GUARDS are stepped over whole. One pass of an automaton finds every
    form and guard in the text; the walk visits only the positions where one begins.
    """
    found: list[tuple[int, int, str]] = []
    guards, forms = _region_occurrences(text)
    i = 0
    for start in sorted(guards.keys() | forms.keys()):
        if start < i:
            continue
        i = start
        if start in guards:
            i += len(guards[start][1])
            continue
        hit = _region_at(text, start, sorted(forms.get(start, ()), reverse=True))
        if hit:
            found.append(hit)
            i = hit[1]
    return found


@lru_cache(maxsize=1)
def _region_automaton() -> ahocorasick.Automaton:
    """Region forms and guard words in one automaton; the value is (word, its rank among the
    guards in lexicon order or None, is a form): where two guards begin, the first listed
    is stepped over."""
    ranks: dict[str, int] = {}
    for rank, word in enumerate(lexicon.words("region_guards")):
        ranks.setdefault(word, rank)
    forms = _region_forms()
    automaton = ahocorasick.Automaton()
    for word in forms.keys() | ranks.keys():
        automaton.add_word(word, (word, ranks.get(word), word in forms))
    automaton.make_automaton()
    return automaton


def _region_occurrences(
    text: str,
) -> tuple[dict[int, tuple[int, str]], dict[int, list[int]]]:
    """Start -> (rank, word) of the first-listed guard there; start -> ends of the forms of
    two characters or more that begin there."""
    guards: dict[int, tuple[int, str]] = {}
    forms: dict[int, list[int]] = {}
    for last, (word, rank, is_form) in _region_automaton().iter(text):
        start, end = last + 1 - len(word), last + 1
        if rank is not None and (start not in guards or rank < guards[start][0]):
            guards[start] = (rank, word)
        if is_form and len(word) > 1:
            forms.setdefault(start, []).append(end)
    return guards, forms


def _region_at(text: str, i: int, ends: list[int]) -> tuple[int, int, str] | None:
    """The longest form at i that the next characters do not veto."""
    forms = _region_forms()
    for end in ends:
        form = text[i:end]
        name, short = forms[form]
        if short and text.startswith(lexicon.words("town_after_short_name"), end):
            continue
        city = form.endswith(lexicon.words("city_suffix"))
        if not short and city and text.startswith(lexicon.words("not_city_after"), end):
            continue  # 林芝市场 is 林芝 + 市场: fall through to the short form
        return (i, end, name)
    return None


def to_catalog_units(figures: pd.DataFrame) -> pd.DataFrame:
    """Levels of a catalog indicator in the catalog's unit: 452.6万亩 of an indicator kept in
    公顷 becomes 301733.3 公顷, 98个 of one counted in 家 becomes 98 家; raw_value and
    raw_unit keep what was printed. A unit no factor converts (美元 for 元) is left for
    validation to refuse, never turned into a second series."""
    if figures.empty:
        return figures
    out = figures.copy()
    target = (
        out["indicator_code"]
        .map(_units())
        .map(lambda u: units.strip_magnitude(u) if isinstance(u, str) else u)
    )
    level = out["measure"].eq("level") & target.notna() & out["unit"].ne(target)
    for i in out.index[level]:
        factor = units.conversion(out.at[i, "unit"], target[i])
        if factor is None:
            continue
        out.at[i, "value"] = _round(out.at[i, "value"] * factor)
        if pd.notna(out.at[i, "value_high"]):
            out.at[i, "value_high"] = _round(out.at[i, "value_high"] * factor)
        out.at[i, "unit"] = target[i]
    return out


def _round(value: float) -> float:
    """12 significant digits: 1/15 of a hectare is no more precise than the mu it came from."""
    return float(f"{value:.12g}")
