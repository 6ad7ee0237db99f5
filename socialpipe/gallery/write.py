"""Writing the gallery's files: each one atomically, and only when its content changed.

A reader (a browser, a second build) never sees a half-written page: every file is
written beside its final name and renamed over it. Unchanged pages are not rewritten,
so a second build of an unchanged gallery touches only the index. The index is
written last, so a link it holds never points at a page not yet written.
"""

import os
import uuid
from pathlib import Path


def write_if_changed(path: Path, content: str) -> bool:
    """Write `content` to `path` by rename unless the file already holds it; True if written."""
    data = content.encode("utf-8")
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex}")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return True


def remove_stale(folder: Path, keep: set[str], pattern: str = "*.html") -> int:
    """Delete the pages in `folder` not named in `keep` (requests deleted or filtered out)."""
    removed = 0
    for path in folder.glob(pattern):
        if path.name not in keep:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
