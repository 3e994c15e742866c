"""The raw-snapshot archive: fetched bytes kept by sha256 so every figure traces to its source."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

SHA256 = re.compile(r"^[0-9a-f]{64}$")


class SnapshotError(Exception):
    """A snapshot is missing, or its bytes no longer match the hash that names them."""


def snapshot_path(data_dir: str | os.PathLike[str], sha: str) -> Path:
    """data_dir/snapshots/<sha[:2]>/<sha>: two-letter fan-out keeps directories small."""
    if not SHA256.match(sha):
        # The name becomes a path; anything but 64 hex digits could walk out of the store.
        raise SnapshotError(f"not a sha256 hex digest: {sha!r}")
    return Path(data_dir) / "snapshots" / sha[:2] / sha


def store(data_dir: str | os.PathLike[str], body: bytes, meta: Mapping[str, Any]) -> Path:
    """Keep body under its sha256, with a JSON sidecar of where and how it was fetched.

    Identical bytes map to the existing file, untouched: the first sighting's provenance
    stays, and the caller sees no new vintage. The sidecar is written before the body,
    so a body on disk always has its sidecar, whatever moment a crash picks.
    """
    sha = hashlib.sha256(body).hexdigest()
    path = snapshot_path(data_dir, sha)
    sidecar = path.with_name(sha + ".json")
    if path.exists():
        if path.stat().st_size != len(body):
            raise SnapshotError(f"{path} exists with a different size: the store is damaged")
        if not sidecar.exists():
            _write_once(sidecar, _sidecar_bytes(sha, body, meta))
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_once(sidecar, _sidecar_bytes(sha, body, meta))
    _write_once(path, body)
    return path


def load(data_dir: str | os.PathLike[str], sha: str) -> bytes:
    """Return the bytes of a snapshot, refusing them if they no longer hash to their name."""
    path = snapshot_path(data_dir, sha)
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        raise SnapshotError(f"no snapshot {sha} in {Path(data_dir) / 'snapshots'}") from None
    actual = hashlib.sha256(body).hexdigest()
    if actual != sha:
        raise SnapshotError(f"{path} is corrupt: its bytes hash to {actual}")
    return body


def iter_snapshots(data_dir: str | os.PathLike[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (sha, sidecar) for every stored body, in hash order, for re-extraction.

    A missing or unreadable sidecar yields {} rather than stopping a replay of thousands.
    """
    root = Path(data_dir) / "snapshots"
    if not root.is_dir():
        return
    for shard in sorted(p for p in root.iterdir() if p.is_dir() and len(p.name) == 2):
        for path in sorted(shard.iterdir()):
            if SHA256.match(path.name) and path.name.startswith(shard.name):
                yield path.name, _read_sidecar(path.with_name(path.name + ".json"))


def _read_sidecar(path: Path) -> dict[str, Any]:
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _sidecar_bytes(sha: str, body: bytes, meta: Mapping[str, Any]) -> bytes:
    # sha256 and size are facts of the bytes, so they win over whatever meta claims.
    record = {**meta, "sha256": sha, "size": len(body)}
    text = json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True, default=_jsonable)
    return (text + "\n").encode("utf-8")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"sidecar value of type {type(value).__name__} is not JSON")


def _write_once(path: Path, data: bytes) -> None:
    """Write atomically (temp file, fsync, link into place) and never replace a file.

    os.link fails if the name exists, so two runs storing the same bytes at once cannot
    clobber each other; readers never see a half-written file.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o644)  # mkstemp's 0600 would hide it from readers
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # someone stored the same bytes first; theirs are identical
        except OSError:  # a filesystem without hard links
            if not path.exists():
                os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    # Makes the new name itself durable; not possible (nor needed) on every platform.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
