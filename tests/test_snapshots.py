"""The content-addressed snapshot store on a real directory: write once, verify on read, replay."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from zhibiao import snapshots
from zhibiao.fetch import FetchResult
from zhibiao.snapshots import SnapshotError, iter_snapshots, load, store

BODY = "2023年林芝市地区生产总值增长9.5%".encode("gb18030")
SHA = hashlib.sha256(BODY).hexdigest()
META = {
    "url": "https://www.linzhi.gov.cn/a.html",
    "final_url": "https://www.linzhi.gov.cn/b.html",
    "fetched_at": datetime(2024, 3, 1, 2, 0, tzinfo=UTC),
    "http_status": 200,
    "headers": {"etag": '"v1"', "content-type": "text/html; charset=utf-8"},
    "content_type": "text/html",
    "charset": "utf-8",
}


def test_store_writes_body_and_sidecar_under_the_hash(tmp_path):
    path = store(tmp_path, BODY, META)
    assert path == tmp_path / "snapshots" / SHA[:2] / SHA
    assert path.read_bytes() == BODY
    sidecar = json.loads(path.with_name(SHA + ".json").read_text(encoding="utf-8"))
    assert sidecar["url"] == META["url"] and sidecar["final_url"] == META["final_url"]
    assert sidecar["fetched_at"] == "2024-03-01T02:00:00+00:00"
    assert (sidecar["sha256"], sidecar["size"], sidecar["charset"]) == (SHA, len(BODY), "utf-8")
    assert sidecar["headers"]["etag"] == '"v1"'
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temp left
    assert path.stat().st_mode & 0o777 == 0o644


def test_identical_bytes_never_overwrite(tmp_path):
    first = store(tmp_path, BODY, META)
    before = (first.stat().st_mtime_ns, first.with_name(SHA + ".json").read_bytes())
    again = store(tmp_path, BODY, {**META, "url": "https://mirror.example/a.html"})
    assert again == first
    assert (first.stat().st_mtime_ns, first.with_name(SHA + ".json").read_bytes()) == before


def test_sha_and_size_in_the_sidecar_come_from_the_bytes(tmp_path):
    path = store(tmp_path, BODY, {**META, "sha256": "0" * 64, "size": 1})
    sidecar = json.loads(path.with_name(SHA + ".json").read_text(encoding="utf-8"))
    assert (sidecar["sha256"], sidecar["size"]) == (SHA, len(BODY))


def test_load_returns_the_bytes(tmp_path):
    store(tmp_path, BODY, META)
    assert load(tmp_path, SHA) == BODY


def test_load_refuses_bytes_that_no_longer_match_their_hash(tmp_path):
    path = store(tmp_path, BODY, META)
    path.write_bytes(BODY[:-1] + b"!")
    with pytest.raises(SnapshotError, match="is corrupt"):
        load(tmp_path, SHA)


def test_store_refuses_to_paper_over_a_damaged_file(tmp_path):
    path = store(tmp_path, BODY, META)
    path.write_bytes(b"truncated")
    with pytest.raises(SnapshotError, match="different size"):
        store(tmp_path, BODY, META)


def test_load_missing_and_malformed_names(tmp_path):
    with pytest.raises(SnapshotError, match="no snapshot"):
        load(tmp_path, SHA)
    for bad in ("../../etc/passwd", SHA.upper(), SHA[:-1]):
        with pytest.raises(SnapshotError, match="not a sha256"):
            load(tmp_path, bad)


def test_iter_snapshots_yields_every_body_with_its_sidecar(tmp_path):
    bodies = [b"one", b"two", BODY]
    for i, body in enumerate(bodies):
        store(tmp_path, body, {**META, "url": f"https://x.gov.cn/{i}"})
    # Debris a crash could leave: a temp file and a sidecar whose body never landed.
    shard = tmp_path / "snapshots" / SHA[:2]
    (shard / f".{SHA}.abc.tmp").write_bytes(b"half")
    orphan = "f" * 64
    (tmp_path / "snapshots" / "ff").mkdir(exist_ok=True)
    (tmp_path / "snapshots" / "ff" / f"{orphan}.json").write_text("{}")

    found = list(iter_snapshots(tmp_path))
    assert [sha for sha, _ in found] == sorted(hashlib.sha256(b).hexdigest() for b in bodies)
    urls = {meta["url"] for _, meta in found}
    assert urls == {f"https://x.gov.cn/{i}" for i in range(3)}
    for sha, _ in found:
        load(tmp_path, sha)


def test_iter_snapshots_tolerates_a_lost_sidecar(tmp_path):
    path = store(tmp_path, BODY, META)
    path.with_name(SHA + ".json").unlink()
    assert list(iter_snapshots(tmp_path)) == [(SHA, {})]
    assert list(iter_snapshots(tmp_path / "empty")) == []


def test_a_lost_sidecar_is_rewritten_on_the_next_store(tmp_path):
    path = store(tmp_path, BODY, META)
    path.with_name(SHA + ".json").unlink()
    store(tmp_path, BODY, META)
    assert dict(iter_snapshots(tmp_path))[SHA]["url"] == META["url"]


def test_concurrent_stores_of_the_same_bytes_agree(tmp_path):
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            store(tmp_path, BODY, {**META, "url": f"https://x.gov.cn/{i}"})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert load(tmp_path, SHA) == BODY
    assert sorted(os.listdir(tmp_path / "snapshots" / SHA[:2])) == [SHA, SHA + ".json"]


def test_a_fetch_result_meta_goes_straight_into_the_sidecar(tmp_path):
    result = FetchResult(
        status="new",
        body=BODY,
        sha256=SHA,
        url="https://www.linzhi.gov.cn/a.html",
        final_url="https://www.linzhi.gov.cn/b.html",
        http_status=200,
        content_type="text/html",
        charset="utf-8",
        etag='"v1"',
        last_modified=None,
        fetched_at=datetime(2024, 3, 1, tzinfo=UTC),
        size=len(BODY),
        headers={"etag": '"v1"'},
    )
    path = store(tmp_path, result.body, result.meta())
    assert path == snapshots.snapshot_path(tmp_path, result.sha256)
    meta = dict(iter_snapshots(tmp_path))[SHA]
    assert meta["final_url"] == result.final_url and meta["etag"] == '"v1"'


def test_unserialisable_meta_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(TypeError, match="not JSON"):
        store(tmp_path, BODY, {**META, "payload": object()})
    assert not snapshots.snapshot_path(tmp_path, SHA).exists()


def test_store_accepts_a_path_given_as_text(tmp_path):
    assert (
        store(str(tmp_path), b"x", {})
        == Path(tmp_path)
        / "snapshots"
        / (hashlib.sha256(b"x").hexdigest()[:2])
        / hashlib.sha256(b"x").hexdigest()
    )
