"""Where a page finds an image: a relative path into the local media folder, else a URL.

Relative paths (`../../media/<key>`) open from file:// with no server and keep working
when the whole data folder is moved or copied. A bucket has no path to be relative to,
so its images come from the public URL the store recorded (`file_url`), and only when a
browser can fetch it: an s3:// URL would just be a broken image.
"""

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from fsspec.implementations.local import LocalFileSystem

if TYPE_CHECKING:  # the store's module is a Dagster resource; this package stays Dagster-free
    from resources.file_store import FileStore

WEB_SCHEMES = frozenset({"http", "https"})


@dataclass(frozen=True)
class MediaLinks:
    """`local_root`: the local store's folder; None for a remote store (bucket)."""

    local_root: Path | None

    @classmethod
    def for_store(cls, store: "FileStore") -> "MediaLinks":
        local = isinstance(store.fs, LocalFileSystem)
        return cls(Path(store.root).resolve() if local else None)

    def src(self, key: str | None, file_url: str | None, page_dir: Path) -> str | None:
        """The `src` for an image on a page in `page_dir`; None when there is nothing to show
        (no file, a file missing from the folder, or a URL a browser cannot open)."""
        if self.local_root is not None:
            return self._local(key, page_dir) if key else None
        if file_url and urlsplit(file_url).scheme in WEB_SCHEMES:
            return file_url
        return None

    def _local(self, key: str, page_dir: Path) -> str | None:
        target = (self.local_root / key).resolve()
        # keys are product-made ids, but a page must never point outside the media folder
        if not target.is_relative_to(self.local_root.resolve()) or not target.is_file():
            return None
        try:
            relative = os.path.relpath(target, page_dir)
        except ValueError:  # another drive (Windows): no relative path exists
            return target.resolve().as_uri()
        return quote(Path(relative).as_posix())
