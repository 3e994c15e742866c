"""The source registry: sources.yaml read, checked, and turned into Source records."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

KINDS = ("work_report", "statistical_bulletin", "monthly_release", "quarterly_release", "news")
CADENCES = ("daily", "weekly", "monthly", "quarterly", "yearly", "irregular")
URL_SCHEMES = ("http", "https", "file")
# Lowercase words joined by single hyphens: safe in file names, URLs and SQL literals.
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ID_MAX_LENGTH = 100
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A release whose page gives only the month (发布时间：2014年7月) or the year is dated to the
# first day of it: the vintage date then sorts before every later release, and the year of
# publication, which 今年/去年 count from, stays exact.
PARTIAL_DATE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{1,2}))?$")
# A reference period as observations spell it (schema.FIGURE_COLUMNS): 2023, 2024Q1, 2024H1,
# 2024M06, 2024M01-M09.
PERIOD = re.compile(r"^\d{4}(?:Q[1-4]|H[12]|M(?:0[1-9]|1[0-2])(?:-M(?:0[1-9]|1[0-2]))?)?$")
# A listing followed past this many pages is a crawl of the whole archive: that is a
# backfill's job, done once by hand, not every night's.
MAX_PAGES = 50
DISCOVER_KEYS = ("files", "links", "pages")


class RegistryError(ValueError):
    """sources.yaml cannot be used; the message names the file, the entry and the field."""


@dataclass(frozen=True)
class Discover:
    """How a listing or a folder entry finds its documents (docs/architecture.md#registry).

    `files` (a glob) makes the entry a folder under the data directory; `links` (a regex
    searched in each link's text and URL) makes it a listing page or feed, followed over
    `pages` pages of the CMS's pagination.
    """

    files: str | None = None
    links: str | None = None
    pages: int = 1

    @property
    def folder(self) -> bool:
        return self.files is not None


@dataclass(frozen=True)
class Source:
    """One entry of sources.yaml; url is absolute (relative paths already resolved).

    An entry with `discover` is a listing or a folder: its documents are found each night,
    and `kind`, `period` and `title`, when it gives none, are read per document from the
    document's title (zhibiao/discovery/titles.yaml).
    """

    id: str
    url: str
    kind: str | None
    region: str
    publisher: str | None = None
    cadence: str | None = None
    published_on: date | None = None
    title: str | None = None
    period: str | None = None  # the reference period (2024Q1), read from the title if not given
    discover: Discover | None = None


_Fail = Callable[[str, str], RegistryError]

REQUIRED = ("id", "url", "kind", "region")
KNOWN_FIELDS = tuple(f.name for f in fields(Source))


def load_sources(path: str | os.PathLike[str]) -> list[Source]:
    """Read the registry, refusing it whole at the first bad entry.

    A partial registry would make a source silently vanish from the nightly run, which
    then looks exactly like a source that stopped publishing.
    """
    path = Path(path)
    entries = _read_entries(path)
    sources: list[Source] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries, start=1):
        source = _parse_entry(path, index, entry)
        if source.id in seen:
            raise _entry_error(path, index, source.id, "id", f"duplicates entry {seen[source.id]}")
        seen[source.id] = index
        sources.append(source)
    return sources


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice, which PyYAML would silently overwrite, and
    reads dates as text, so that _date judges them (PyYAML would raise a bare ValueError on
    an unquoted 2024-13-45)."""


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    keys: set[Any] = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue  # `<<: *defaults`: its keys are defaults the entry may override
        key = loader.construct_object(key_node)
        if key in keys:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} given twice", key_node.start_mark
            )
        keys.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


MAX_EXPANDED_NODES = 200_000
"""A registry of 10,000 sources of a dozen fields stays far below this; nine levels of nine
aliases (a "billion laughs") expand to 387 million nodes, which every later walk over the
registry (checks, hashing, printing) would pay for until memory or the stack gives out."""


def _check_expanded_size(root: yaml.Node | None) -> None:
    """Count the nodes the document would have with every alias expanded, without expanding:
    an alias is the same node object as its anchor, so sizes are memoised per node. A node
    reached again while it is being counted is a recursive alias, which no registry needs."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise yaml.YAMLError(f"recursive alias at {_where(node)}")
        open_nodes.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        open_nodes.discard(key)
        if total > MAX_EXPANDED_NODES:
            raise yaml.YAMLError(
                f"expands to more than {MAX_EXPANDED_NODES:,} nodes through its aliases "
                f"(at {_where(node)}); write the entries out or use fewer anchors"
            )
        sizes[key] = total
        return total

    if root is not None:
        size(root)


def _where(node: yaml.Node) -> str:
    return f"line {node.start_mark.line + 1}, column {node.start_mark.column + 1}"


def _read_entries(path: Path) -> list[Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(f"{path}: cannot read: {exc}") from None
    loader = _StrictLoader(text)  # a SafeLoader: no arbitrary objects
    try:
        node = loader.get_single_node()
        _check_expanded_size(node)
        document = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        detail = " ".join(str(exc).split())
        raise RegistryError(f"{path}: not valid YAML: {detail}") from None
    except RecursionError:
        raise RegistryError(f"{path}: not valid YAML: nested too deeply") from None
    finally:
        loader.dispose()
    if not isinstance(document, dict) or not isinstance(document.get("sources"), list):
        raise RegistryError(f"{path}: top level must be a mapping with a 'sources' list")
    return document["sources"]


def _parse_entry(path: Path, index: int, entry: Any) -> Source:
    if not isinstance(entry, dict):
        raise RegistryError(
            f"{path}: entry {index}: must be a mapping of fields; got {type(entry).__name__}"
        )
    raw_id = entry.get("id")
    label = str(raw_id).strip() if isinstance(raw_id, str | int) else ""
    label = label or "no id"

    def fail(name: str, problem: str) -> RegistryError:
        return _entry_error(path, index, label, name, problem)

    for name in entry:
        if name not in KNOWN_FIELDS:
            raise fail(str(name), "is not a known field" + _suggestion(str(name)))
    discovers = entry.get("discover") is not None
    for name in REQUIRED:
        if name == "kind" and discovers:
            continue  # read per document from its title
        if entry.get(name) is None or entry.get(name) == "":
            raise fail(name, "is required")
    values = {
        name: _text(entry, name, fail)
        for name in KNOWN_FIELDS
        if name not in ("published_on", "discover")
    }
    _check_id(values["id"], fail)
    values["url"] = _resolve_url(values["url"], path.parent, fail)
    _check_choice(values, "kind", KINDS, fail)
    _check_choice(values, "cadence", CADENCES, fail)
    if values["period"] is not None and not PERIOD.match(values["period"]):
        raise fail(
            "period",
            f"must be a period such as 2023, 2024Q1, 2024H1, 2024M06, "
            f"2024M01-M09; got {values['period']!r}",
        )
    values["published_on"] = _date(entry.get("published_on"), fail)
    if discovers:
        values["discover"] = _discover(entry["discover"], values["url"], fail)
    return Source(**values)


def _discover(value: Any, url: str, fail: _Fail) -> Discover:
    """A `discover` mapping: {files: GLOB} for a folder, {links: REGEX, pages: N} for a listing."""
    if not isinstance(value, dict):
        raise fail("discover", 'must be a mapping such as {files: "*.pdf"} or {links: "公报"}')
    for key in value:
        if key not in DISCOVER_KEYS:
            raise fail("discover", f"has an unknown key {key!r}; known: {', '.join(DISCOVER_KEYS)}")
    files, links, pages = value.get("files"), value.get("links"), value.get("pages", 1)
    if (files is None) == (links is None):
        raise fail("discover", "needs exactly one of files (a folder) or links (a listing)")
    for key, text in (("files", files), ("links", links)):
        if text is not None and (not isinstance(text, str) or not text.strip()):
            raise fail("discover", f"{key} must be non-blank text; got {text!r}")
    local = not urlsplit(url).scheme or urlsplit(url).scheme == "file"
    if files is not None:
        if not local:
            raise fail("url", f"of a folder must be a path under the data directory; got {url!r}")
        if "pages" in value:
            raise fail("discover", "pages is for a listing, not a folder")
        return Discover(files=files.strip())
    if local:
        raise fail("url", f"of a listing must be an http(s) page or feed; got {url!r}")
    try:
        re.compile(links)
    except re.error as exc:
        raise fail("discover", f"links is not a valid regular expression: {exc}") from None
    if isinstance(pages, bool) or not isinstance(pages, int) or not 1 <= pages <= MAX_PAGES:
        raise fail("discover", f"pages must be a whole number from 1 to {MAX_PAGES}; got {pages!r}")
    return Discover(links=links, pages=pages)


def _entry_error(path: Path, index: int, label: str, name: str, problem: str) -> RegistryError:
    return RegistryError(f"{path}: entry {index} ({label}): field '{name}' {problem}")


def _suggestion(name: str) -> str:
    close = difflib.get_close_matches(name, KNOWN_FIELDS, n=1, cutoff=0.8)
    known = ", ".join(KNOWN_FIELDS)
    return f" (did you mean '{close[0]}'?)" if close else f"; known fields: {known}"


def _text(entry: dict[str, Any], name: str, fail: _Fail) -> str | None:
    value = entry.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        # YAML reads `id: 2023` as an int and `region: no` as False; say so plainly.
        raise fail(name, f"must be text; got {type(value).__name__} {value!r} (quote it)")
    value = value.strip()
    if not value:
        raise fail(name, "must not be blank")
    return value


def _check_id(value: str, fail: _Fail) -> None:
    if len(value) > ID_MAX_LENGTH or not ID_PATTERN.match(value):
        raise fail(
            "id",
            "must be lowercase letters and digits joined by single hyphens "
            f"(at most {ID_MAX_LENGTH} characters); got {value!r}",
        )


def _check_choice(values: dict[str, Any], name: str, choices: tuple[str, ...], fail: _Fail) -> None:
    value = values[name]
    if value is not None and value not in choices:
        raise fail(name, f"must be one of {', '.join(choices)}; got {value!r}")


def _resolve_url(value: str, base: Path, fail: _Fail) -> str:
    """Keep URLs as written, and make a bare path absolute against the registry's folder.

    Resolving here, not at fetch time, keeps a source's identity independent of the
    directory the scheduler happens to start in.
    """
    parts = urlsplit(value)
    scheme = parts.scheme.lower()
    if len(scheme) == 1:  # a Windows drive letter, not a scheme
        scheme = ""
    if scheme in ("http", "https"):
        if not parts.hostname:
            raise fail("url", f"has no host; got {value!r}")
        return value
    if scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise fail("url", f"file URL must be file:///absolute/path; got {value!r}")
        return value
    if scheme:
        allowed = ", ".join(URL_SCHEMES)
        raise fail("url", f"scheme must be one of {allowed} or a relative path; got {scheme!r}")
    return os.path.normpath(base.absolute() / Path(value).expanduser())


def publication_date(value: Any) -> date:
    """A publication date as registered: YYYY-MM-DD, or YYYY-MM / YYYY (the first day of it);
    ValueError otherwise."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = str(value).strip() if isinstance(value, str | int) else ""
    partial = PARTIAL_DATE.match(text)
    if ISO_DATE.match(text):
        return date.fromisoformat(text)
    if partial:
        return date(int(partial["year"]), int(partial["month"] or 1), 1)
    raise ValueError(f"not a date: {value!r}")


def _date(value: Any, fail: _Fail) -> date | None:
    if value is None:
        return None
    try:
        return publication_date(value)
    except ValueError:
        raise fail(
            "published_on", f"must be a date YYYY-MM-DD (or YYYY-MM, YYYY); got {value!r}"
        ) from None
