"""SQL lives in .sql files: no statement spelled in the package's Python (STYLE rule 4)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Transaction control, not statements about data: spelled where the transaction is held.
CONTROL = {"begin transaction", "commit", "rollback", "checkpoint"}
# Modules allowed a spelled statement, each with its reason.
EXEMPT = {
    # the macro's body is the fingerprint, formatted in: a macro takes no bound parameter
    "zhibiao/warehouse/migrate.py": {"create or replace macro schema_fingerprint()"},
}


def spelled_statements(path: Path, allowed: set[str] = frozenset()) -> list[tuple[int, str]]:
    """(line, text) of every execute()/sql() call given a string literal or f-string, but
    transaction control and the allowed prefixes."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in {"execute", "sql", "executemany"} or not node.args:
            continue
        arg = node.args[0]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            text = arg.value
        elif isinstance(arg, ast.JoinedStr):
            text = "".join(v.value for v in arg.values if isinstance(v, ast.Constant))
        else:
            continue
        if text.strip().lower() in CONTROL:
            continue
        if not any(text.startswith(prefix) for prefix in allowed):
            found.append((node.lineno, " ".join(text.split())[:60]))
    return found


def modules() -> list[str]:
    return sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "zhibiao").rglob("*.py"))


@pytest.mark.parametrize("name", modules())
def test_no_statement_is_spelled_in_python(name):
    found = spelled_statements(ROOT / name, EXEMPT.get(name, set()))
    assert found == [], f"{name}: move these into a .sql file under zhibiao/warehouse/sql"


def test_the_check_finds_a_spelled_statement(tmp_path):
    """The rule can fail: inline SQL, plain or formatted, is found; control is not."""
    module = tmp_path / "probe.py"
    module.write_text(
        'con.execute("select count(*) from documents where document_id = ?", [d])\n'
        'con.execute(f"update runs set {x} = 1")\n'
        'con.execute("commit")\n',
        encoding="utf-8",
    )
    assert [line for line, _ in spelled_statements(module)] == [1, 2]
