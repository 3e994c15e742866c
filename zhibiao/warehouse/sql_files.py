"""The one reader of the warehouse's .sql files: statements by name, numbered files in order.

Every statement the warehouse runs sits in a file under zhibiao/warehouse/ (SQL in .sql
files, parameters bound): sql/load/ (the loader and the bookkeeping), sql/report/, sql/migrate/
(the migration runner), sql/ itself (macros and views) and migrations/ (tables). Python names
a statement; it never spells one.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

PACKAGE = resources.files("zhibiao.warehouse")

# NNN_name.sql: the number orders the files and, for a migration, is its identity in the
# schema_version table.
_NUMBERED = re.compile(r"^(?P<number>\d{3})_(?P<name>[a-z0-9_]+)\.sql$")


class SqlFileError(ValueError):
    """A numbered folder holds a file whose name or number breaks the rule above."""


@functools.cache
def load_sql(name: str, folder: str = "load") -> str:
    """The statement of <folder>/<name>.sql under zhibiao/warehouse/sql (sql/load by default:
    the loader's and the bookkeeping's)."""
    return (PACKAGE / "sql" / folder / f"{name}.sql").read_text(encoding="utf-8")


@dataclass(frozen=True)
class SqlFile:
    number: int
    name: str  # without number and extension: 002_alerts.sql -> alerts
    filename: str
    text: str

    @property
    def checksum(self) -> str:
        """sha256 of the file's text: a migration recorded as applied must never change."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def numbered(folder: Traversable) -> list[SqlFile]:
    """The NNN_name.sql files of a folder in number order. Refuses two files of one number
    (which would run first was an accident of spelling) and a .sql file not so named."""
    files: dict[int, SqlFile] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".sql"):
            continue
        m = _NUMBERED.match(entry.name)
        if not m:
            raise SqlFileError(f"{entry.name} in {folder}: name it NNN_name.sql (three digits)")
        number = int(m["number"])
        if number in files:
            raise SqlFileError(
                f"{files[number].filename} and {entry.name} in {folder} share the number "
                f"{m['number']}: give one of them the next free number"
            )
        text = entry.read_text(encoding="utf-8")
        files[number] = SqlFile(number, m["name"], entry.name, text)
    return [files[n] for n in sorted(files)]
