"""Where images live: a local folder by default, any fsspec URL in deployment.

Keys are built by the product from ids (organization/request/asset), never from
user input. A write goes to a temporary object first and is renamed into place,
so a crash never leaves a half-written file under a final key.
"""

import os
import re
import uuid
from dataclasses import dataclass

import fsspec
from fsspec.implementations.local import LocalFileSystem

# ids, slashes, dots and dashes only: no "..", no absolute paths, no URL tricks
SAFE_KEY = re.compile(r"^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9]+)?(?:/[A-Za-z0-9_-]+(?:\.[A-Za-z0-9]+)?)*$")


class UnsafeKeyError(ValueError):
    pass


@dataclass(frozen=True)
class StoredFile:
    key: str
    url: str
    size: int


def check_key(key: str) -> str:
    if not SAFE_KEY.fullmatch(key):
        raise UnsafeKeyError(f"refusing store key {key!r}: keys are ids joined by '/'")
    return key


class FileStore:
    """An fsspec folder with atomic writes. `root` is a path or URL such as s3://bucket/prefix."""

    def __init__(self, root: str, public_base_url: str | None = None, **storage_options) -> None:
        self.fs, path = fsspec.core.url_to_fs(root, **storage_options)
        self.root = path.rstrip("/")
        self.public_base_url = public_base_url.rstrip("/") if public_base_url else None
        self._protocol = root.split("://", 1)[0] if "://" in root else "file"

    def _path(self, key: str) -> str:
        return f"{self.root}/{check_key(key)}"

    def url(self, key: str) -> str:
        if self.public_base_url:
            return f"{self.public_base_url}/{check_key(key)}"
        return f"{self._protocol}://{self._path(key)}"

    def put(self, key: str, data: bytes) -> StoredFile:
        final = self._path(key)
        temporary = f"{final}.tmp-{uuid.uuid4().hex}"
        self.fs.makedirs(final.rsplit("/", 1)[0], exist_ok=True)
        try:
            with self.fs.open(temporary, "wb") as handle:
                handle.write(data)
            self._rename(temporary, final)
        except BaseException:
            if self.fs.exists(temporary):
                self.fs.rm(temporary)
            raise
        return StoredFile(key=key, url=self.url(key), size=len(data))

    def _rename(self, source: str, target: str) -> None:
        if isinstance(self.fs, LocalFileSystem):
            # os.replace is one atomic rename; fsspec's local mv would move the file
            # *into* a folder that happens to hold the target's name
            os.replace(source, target)
        else:
            self.fs.mv(source, target)

    def read(self, key: str) -> bytes:
        with self.fs.open(self._path(key), "rb") as handle:
            return handle.read()

    def exists(self, key: str) -> bool:
        return self.fs.exists(self._path(key))

    def discard_unlisted(self, prefix: str, keep: set[str]) -> list[str]:
        """Remove every file under the folder `prefix` whose key is not in `keep` (an
        interrupted write's temporary file included); return the keys removed."""
        folder = self._path(prefix.strip("/"))
        if not self.fs.isdir(folder):
            return []
        root = self.root + "/"
        removed = []
        for path in sorted(self.fs.find(folder)):
            key = path.removeprefix(root)
            if key not in keep:
                self.fs.rm(path)
                removed.append(key)
        return removed

    def delete(self, key: str) -> None:
        if self.fs.exists(self._path(key)):
            self.fs.rm(self._path(key))
