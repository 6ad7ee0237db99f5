"""The image store: keys from ids only, atomic writes, no half-written files."""

from pathlib import Path

import pytest

from resources.file_store import FileStore, UnsafeKeyError


def test_put_read_delete_round_trip(tmp_path: Path) -> None:
    store = FileStore(str(tmp_path))
    stored = store.put("org/request/asset.png", b"\x89PNG data")
    assert stored.size == 9
    assert stored.url == f"file://{tmp_path}/org/request/asset.png"
    assert store.read("org/request/asset.png") == b"\x89PNG data"
    store.delete("org/request/asset.png")
    assert not store.exists("org/request/asset.png")


def test_public_url_prefix(tmp_path: Path) -> None:
    store = FileStore(str(tmp_path), public_base_url="https://cdn.example.com/media/")
    assert store.url("a/b.png") == "https://cdn.example.com/media/a/b.png"


@pytest.mark.parametrize(
    "key",
    ["../etc/passwd", "/abs/path.png", "a/../b.png", "a//b.png", "a/b.png?x=1", "", "a b.png"],
)
def test_keys_that_are_not_ids_are_refused(tmp_path: Path, key: str) -> None:
    with pytest.raises(UnsafeKeyError):
        FileStore(str(tmp_path)).put(key, b"x")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_neither_the_file_nor_a_temporary(tmp_path: Path) -> None:
    store = FileStore(str(tmp_path))
    # the final name is taken by a folder, so the rename into place fails
    (tmp_path / "org" / "taken.png").mkdir(parents=True)
    (tmp_path / "org" / "taken.png" / "inside").write_bytes(b"keep")
    with pytest.raises(OSError):
        store.put("org/taken.png", b"new bytes")
    assert sorted(p.name for p in (tmp_path / "org").iterdir()) == ["taken.png"]
    assert (tmp_path / "org" / "taken.png" / "inside").read_bytes() == b"keep"


def test_memory_filesystem_urls_work_too() -> None:
    store = FileStore("memory://socialpipe-test")
    store.put("x/y.png", b"abc")
    assert store.read("x/y.png") == b"abc"
    assert store.url("x/y.png") == "memory:///socialpipe-test/x/y.png"
