"""The docs cannot drift from the code: docs/architecture.md's warehouse contract is the schema
of a fresh warehouse, both ways, and every path a document or a docstring cites exists."""

from __future__ import annotations

import ast
import fnmatch
import io
import os
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from zhibiao import schema
from zhibiao.transforms import anomalies
from zhibiao.warehouse.db import connect

ROOT = Path(__file__).resolve().parents[1]
ARCHITECTURE = ROOT / "docs" / "architecture.md"
CONTRACT_HEADING = "## Warehouse contract"

# Vocabularies of the contract and the constants they must equal.
VOCABULARIES = {
    "measure": schema.MEASURES,
    "status": schema.STATUSES,
    "qualifier": schema.QUALIFIERS,
    "period_type": schema.PERIOD_TYPES,
    "rule": tuple(anomalies.MESSAGES),
}


# ---- The warehouse contract ------------------------------------------------------------


@dataclass
class Relation:
    kind: str  # table, view
    columns: dict[str, str]  # column -> DuckDB type, in order
    same_as: str | None = None  # "Columns: the same as `x`"


def contract_section(text: str) -> str:
    """The text from the contract heading to the next heading of the same level."""
    start = text.index(CONTRACT_HEADING)
    end = text.find("\n## ", start + len(CONTRACT_HEADING))
    return text[start : end if end != -1 else len(text)]


def _cells(line: str) -> list[str]:
    """Cells of a markdown table row; an escaped \\| stays inside its cell."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def documented_relations(section: str) -> dict[str, Relation]:
    """`#### `name` (table|view)` entries, each with its column table or a same-as line."""
    relations: dict[str, Relation] = {}
    current: Relation | None = None
    for line in section.splitlines():
        if line.startswith("#"):
            m = re.fullmatch(r"#### `(\w+)` \((table|view)\)", line.strip())
            current = relations.setdefault(m[1], Relation(m[2], {})) if m else None
            continue
        if current is None:
            continue
        same = re.fullmatch(r"Columns: the same as `(\w+)`\.", line.strip())
        if same:
            current.same_as = same[1]
        cells = _cells(line) if line.startswith("|") else []
        if len(cells) >= 2 and re.fullmatch(r"`\w+`", cells[0]):
            current.columns[cells[0].strip("`")] = cells[1]
    return relations


def documented_macros(section: str) -> dict[str, tuple[str, list[str]]]:
    """name -> (kind, parameter names) from the rows of the macro table."""
    macros = {}
    for line in section.splitlines():
        cells = _cells(line) if line.startswith("|") else []
        m = re.fullmatch(r"`(\w+)\((.*)\)`", cells[0]) if cells else None
        if m and len(cells) >= 2:
            params = [p.split(":=")[0].strip() for p in m[2].split(",") if p.strip()]
            macros[m[1]] = (cells[1], params)
    return macros


def documented_vocabularies(section: str) -> dict[str, list[str]]:
    """name -> values, from the rows of the vocabulary table."""
    vocab = {}
    part = section[section.index("### Vocabularies") :]
    for line in part.splitlines():
        cells = _cells(line) if line.startswith("|") else []
        if len(cells) >= 2 and re.fullmatch(r"`\w+`", cells[0]):
            vocab[cells[0].strip("`")] = re.findall(r"`([^`]+)`", cells[1])
    return vocab


SECTION = contract_section(ARCHITECTURE.read_text(encoding="utf-8"))
DOCUMENTED = documented_relations(SECTION)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    con = connect(tmp_path_factory.mktemp("contract") / "warehouse.duckdb")
    yield con
    con.close()


def database_relations(con) -> dict[str, Relation]:
    rows = con.execute(
        """
        select table_name, 'table' from duckdb_tables() where database_name = current_database()
        union all
        select view_name, 'view' from duckdb_views()
        where database_name = current_database() and not internal
        """
    ).fetchall()
    relations = {name: Relation(kind, {}) for name, kind in rows}
    for table, column, type_ in con.execute(
        "select table_name, column_name, data_type from duckdb_columns() "
        "where database_name = current_database() order by table_name, column_index"
    ).fetchall():
        relations[table].columns[column] = type_
    return relations


def test_every_table_and_view_is_in_the_contract_and_no_other(warehouse):
    database = database_relations(warehouse)
    undocumented = sorted(set(database) - set(DOCUMENTED))
    gone = sorted(set(DOCUMENTED) - set(database))
    assert not undocumented, f"in the warehouse, not in docs/architecture.md: {undocumented}"
    assert not gone, f"in docs/architecture.md, not in a fresh warehouse: {gone}"
    wrong_kind = {n: (r.kind, database[n].kind) for n, r in DOCUMENTED.items() if n in database}
    wrong_kind = {n: k for n, k in wrong_kind.items() if k[0] != k[1]}
    assert not wrong_kind, f"documented kind vs the warehouse's: {wrong_kind}"


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_columns_and_types_are_the_contract(warehouse, name):
    database = database_relations(warehouse)
    if name not in database:
        pytest.fail(f"{name} is documented but not in a fresh warehouse")
    documented = DOCUMENTED[name]
    expected = DOCUMENTED[documented.same_as].columns if documented.same_as else documented.columns
    assert expected, f"{name} lists no columns in docs/architecture.md"
    actual = database[name].columns
    undocumented = [c for c in actual if c not in expected]
    gone = [c for c in expected if c not in actual]
    assert not undocumented, f"{name}: columns not in docs/architecture.md: {undocumented}"
    assert not gone, f"{name}: documented columns the warehouse lacks: {gone}"
    types = {c: (expected[c], actual[c]) for c in actual if expected[c] != actual[c]}
    assert not types, f"{name}: documented type vs the warehouse's: {types}"


def test_every_macro_is_in_the_contract_and_no_other(warehouse):
    rows = warehouse.execute(
        "select function_name, function_type, parameters from duckdb_functions() "
        "where database_name = current_database() and not internal "
        "and function_type in ('macro', 'table_macro')"
    ).fetchall()
    database = {name: (kind.replace("_", " "), list(params)) for name, kind, params in rows}
    assert documented_macros(SECTION) == database


def test_every_sequence_is_named_in_the_contract(warehouse):
    rows = warehouse.execute("select sequence_name from duckdb_sequences()").fetchall()
    names = [name for (name,) in rows]
    assert names, "a fresh warehouse has a sequence for observation ids"
    missing = [n for n in names if f"`{n}`" not in SECTION]
    assert not missing, f"sequences not named in docs/architecture.md: {missing}"


@pytest.mark.parametrize("name", sorted(VOCABULARIES))
def test_vocabularies_are_the_constants(name):
    documented = documented_vocabularies(SECTION)
    assert name in documented, f"the vocabulary {name!r} is missing from docs/architecture.md"
    assert documented[name] == list(VOCABULARIES[name])


# ---- Cited paths exist -----------------------------------------------------------------

# Folders whose files are not ours to check (tools, caches) or not documents.
SKIP_DIRS = {".git", ".venv", ".prefect", ".pytest_cache", ".ruff_cache", "__pycache__", "out"}
CITING_FILES = ("prefect.yaml", "sources.yaml", "Makefile")

# A path into the project: from the root (docs/, tests/ ...) or, in a module, relative to a
# package (transforms/data/..., sql/load/...). Not inside a longer path or a URL.
ROOT_FOLDERS = ("docs", "tests", "zhibiao", "data", "bench", "tools")
PACKAGE_FOLDERS = ("transforms", "flows", "expectations", "warehouse", "sql", "extract", "load")
_FOLDERS = "|".join(ROOT_FOLDERS + PACKAGE_FOLDERS)
PATH = re.compile(rf"(?<![\w./\-~$:])((?:{_FOLDERS})/[A-Za-z0-9_./\-]*)(?:#([\w\-]+))?(?=(.?))")
# A document named without a folder (README.md, architecture.md#warehouse-contract).
BARE_DOC = re.compile(r"(?<![\w./\-])([A-Za-z0-9_\-]+\.md)(?:#([\w\-]+))?")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
TEMPLATE_NEXT = set("<{*[")  # data/snapshots/<sha256[:2]>: a pattern, not a path

# Citations known to be broken, each with what fixing it takes. The test fails when one is
# fixed, so that this list only shrinks.
KNOWN_BROKEN: set[tuple[str, str]] = set()  # (citing file, cited path): none today


@dataclass(frozen=True)
class Citation:
    file: Path
    line: int
    target: str  # a path, maybe with #anchor
    relative_to_file: bool = False  # a markdown link: only relative to its own folder

    def __str__(self) -> str:
        return f"{self.file.relative_to(ROOT)}:{self.line} cites {self.target}"


def citing_files(root: Path = ROOT) -> list[Path]:
    """*.md anywhere, zhibiao/'s modules (docstrings and comments) and SQL, and the config."""
    outputs = ignored_patterns(root)
    found = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in SKIP_DIRS
            and not d.endswith(".egg-info")
            and not is_output((here / d).relative_to(root).as_posix(), outputs)
        )
        in_package = here.relative_to(root).parts[:1] == ("zhibiao",)
        for name in sorted(files):
            if name.endswith(".md") or (in_package and name.endswith((".py", ".sql"))):
                found.append(here / name)
    return found + [root / name for name in CITING_FILES if (root / name).exists()]


def prose_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of what a reader reads: all of a document, a module's docstrings
    and comments."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        yield from enumerate(text.splitlines(), 1)
        return
    for node in ast.walk(ast.parse(text)):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                for i, line in enumerate(value.value.splitlines()):
                    yield value.lineno + i, line
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.COMMENT:
            yield tok.start[0], tok.string


def citations(path: Path) -> Iterator[Citation]:
    for number, line in prose_lines(path):
        for m in PATH.finditer(line):
            target = m[1].rstrip(".")
            if m[3] in TEMPLATE_NEXT:
                continue
            yield Citation(path, number, target + (f"#{m[2]}" if m[2] else ""))
        for m in BARE_DOC.finditer(line):
            yield Citation(path, number, m[1] + (f"#{m[2]}" if m[2] else ""))
        if path.suffix == ".md":
            for m in LINK.finditer(line):
                target = m[1]
                if "://" in target or target.startswith("mailto:"):
                    continue
                yield Citation(path, number, target, relative_to_file=True)


def ignored_patterns(root: Path = ROOT) -> list[str]:
    """.gitignore's patterns: a path git ignores is an output of a run (the warehouse, the
    snapshots), cited so a person can find it, not a document that must be in the tree."""
    gitignore = root / ".gitignore"
    lines = gitignore.read_text(encoding="utf-8").splitlines() if gitignore.exists() else []
    return [p.strip() for p in lines if p.strip() and not p.startswith("#")]


def is_output(path: str, patterns: list[str]) -> bool:
    for pattern in patterns:
        bare = pattern.rstrip("/")
        if fnmatch.fnmatch(path, pattern) or path == bare or path.startswith(bare + "/"):
            return True
    return False


def slugs(markdown: Path) -> set[str]:
    """GitHub's anchors of a document's headings (fenced code skipped; repeats get -1, -2)."""
    found: set[str] = set()
    fenced = False
    for line in markdown.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        m = None if fenced else re.match(r"#{1,6} (.+)", line)
        if m:
            slug = re.sub(r"[^\w\- ]", "", m[1].strip().lower()).replace(" ", "-")
            n, unique = 0, slug
            while unique in found:
                n += 1
                unique = f"{slug}-{n}"
            found.add(unique)
    return found


def problem(citation: Citation, root: Path = ROOT, patterns: list[str] | None = None):
    """Why a citation does not resolve, or None when it does.

    A path counts from the citing file's folder or any folder above it up to the root (a
    module says data/indicators.csv from transforms/), or from zhibiao/ (the README's table
    speaks of transforms/data/), or from any folder of the package (load/stage.sql, said of
    the warehouse's SQL from expectations/). A markdown link counts from its own folder only,
    as a renderer reads it.
    """
    target, _, anchor = citation.target.partition("#")
    if not target:  # [see below](#anchor): the citing document's own heading
        resolved = citation.file
    else:
        if is_output(target, ignored_patterns(root) if patterns is None else patterns):
            return None
        here = citation.file.parent
        bases = [here] if citation.relative_to_file else [*_up_to(here, root), root / "zhibiao"]
        resolved = next((b / target for b in bases if (b / target).exists()), None)
        if resolved is None and not citation.relative_to_file:
            resolved = _inside_package(root / "zhibiao", target)
        if resolved is None:
            return "no such file"
    if anchor and resolved.suffix == ".md" and anchor not in slugs(resolved):
        return f"no heading #{anchor} in {resolved.relative_to(root)}"
    return None


def _inside_package(package: Path, target: str) -> Path | None:
    tail = target.rstrip("/")
    found = (p for p in package.rglob(Path(tail).name) if p.as_posix().endswith("/" + tail))
    return next(found, None)


def _up_to(folder: Path, root: Path) -> list[Path]:
    out = [folder]
    while folder != root and root in folder.parents:
        folder = folder.parent
        out.append(folder)
    return out


def test_every_cited_path_exists():
    patterns = ignored_patterns()
    broken = {
        c: why
        for path in citing_files()
        for c in citations(path)
        if (why := problem(c, patterns=patterns))
    }
    keys = {c: (c.file.relative_to(ROOT).as_posix(), c.target) for c in broken}
    new = sorted({f"{c}: {why}" for c, why in broken.items() if keys[c] not in KNOWN_BROKEN})
    assert not new, "cited but not in the repository:\n" + "\n".join(new)
    fixed = sorted(KNOWN_BROKEN - set(keys.values()))
    assert not fixed, f"fixed, so remove from KNOWN_BROKEN: {fixed}"


def test_the_scan_reads_every_kind_of_citing_file():
    names = {p.relative_to(ROOT).as_posix() for p in citing_files()}
    assert {"README.md", "docs/architecture.md", "zhibiao/schema.py", *CITING_FILES} <= names
    assert not any(n.startswith((".venv/", ".git/")) for n in names)


@pytest.mark.parametrize(
    ("line", "target", "broken"),
    [
        ("see docs/nowhere.md for more", "docs/nowhere.md", True),
        ("see [the notes](notes/nowhere.txt)", "notes/nowhere.txt", True),
        ("see [the guide](docs/guide.md)", "docs/guide.md", False),
        ("the design card of FOUNDING.md", "FOUNDING.md", True),
        ("docs/guide.md#no-such-heading", "docs/guide.md#no-such-heading", True),
        ("docs/guide.md#queries is fine", "docs/guide.md#queries", False),
        ("[queries](#queries)", "#queries", False),
        ("data/warehouse.duckdb is written by a run", "data/warehouse.duckdb", False),
        ("`data/snapshots/<sha[:2]>/<sha>`", None, False),
    ],
)
def test_a_missing_document_fails_the_check(tmp_path, line, target, broken):
    """The check can fail: a bogus path, a bogus link, a bogus anchor are each reported."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text("# Guide\n\n## Queries\n", encoding="utf-8")
    (tmp_path / "README.md").write_text(f"# Readme\n\n{line}\n\n## Queries\n", encoding="utf-8")
    found = list(citations(tmp_path / "README.md"))
    if target is None:
        assert found == []
        return
    assert target in [c.target for c in found]
    c = next(c for c in found if c.target == target)
    why = problem(c, root=tmp_path, patterns=["data/warehouse.duckdb*", "data/snapshots/"])
    assert bool(why) == broken, why
