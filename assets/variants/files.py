"""The files `socialpipe variants render` reads and writes, all or nothing.

The source is read only from a regular file and only up to MAX_SOURCE_BYTES (a
device such as /dev/zero would otherwise be read until memory runs out). The
renditions go to a folder checked before any pixel is rendered, and either all of
them are written or none is left behind.
"""

from collections.abc import Sequence
from pathlib import Path

MAX_SOURCE_BYTES = 200 * 1024 * 1024


class VariantFilesError(ValueError):
    """A source or output place that cannot be used; the message names it."""


def read_source(path: Path, max_bytes: int = MAX_SOURCE_BYTES) -> bytes:
    try:
        if path.exists() and not path.is_file():
            raise VariantFilesError(f"{path}: not a regular file")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise VariantFilesError(f"cannot read {path}: {error.strerror or error}") from None
    if len(data) > max_bytes:
        raise VariantFilesError(f"{path}: more than {max_bytes:,} bytes")
    return data


def check_output_folder(out: Path) -> None:
    """Refuse an `out` that cannot be a folder, before anything is rendered or created."""
    if out.exists() and not out.is_dir():
        raise VariantFilesError(f"--out {out}: exists and is not a folder")
    existing = next(parent for parent in (out, *out.parents) if parent.exists())
    if not existing.is_dir():
        raise VariantFilesError(f"--out {out}: cannot write there ({existing} is not a folder)")


def write_all(out: Path, files: Sequence[tuple[str, bytes]]) -> list[Path]:
    """Write every file into `out` (created when missing) and return their paths; when
    one fails, remove what this call wrote and the folders it made, and raise."""
    made = [parent for parent in (out, *out.parents) if not parent.exists()]
    written: list[Path] = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, data in files:
            path = out / name
            path.write_bytes(data)
            written.append(path)
    except OSError as error:
        for path in written:
            path.unlink(missing_ok=True)
        for folder in made:  # deepest first
            if folder.exists():
                folder.rmdir()
        reason = error.strerror or error
        raise VariantFilesError(f"--out {out}: cannot write there ({reason})") from None
    return written
