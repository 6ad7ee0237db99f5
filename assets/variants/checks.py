"""The promises a variant row makes, checked against its file (no Dagster).

Each function takes the rows of asset_variants a run wrote and returns the
problems found, one line per variant, empty when all is well.
"""

import io
from collections.abc import Callable, Mapping, Sequence

from PIL import Image

from core.placements import Placement, UnknownPlacementError, find_placement

MIN_QUALITY_SCORE = 0.9


def _spec(row: Mapping, placements: Sequence[Placement]) -> Placement:
    return find_placement(row["platform"], row["placement"], placements)


def _problems(
    rows: Sequence[Mapping],
    read: Callable[[str], bytes],
    placements: Sequence[Placement],
    problem: Callable[[Mapping, Placement, bytes], str | None],
) -> list[str]:
    """Each row's file read once; `problem` says what is wrong with it, if anything."""
    problems = []
    for row in rows:
        try:
            found = problem(row, _spec(row, placements), read(row["file_path"]))
        except (UnknownPlacementError, OSError) as error:
            found = str(error)
        if found:
            problems.append(f"{row['file_path']}: {found}")
    return problems


def _dimension_problem(row: Mapping, spec: Placement, data: bytes) -> str | None:
    with Image.open(io.BytesIO(data)) as image:
        actual = image.size
    recorded = (row["dimensions"]["width"], row["dimensions"]["height"])
    if actual == recorded == (spec.width, spec.height):
        return None
    return (
        f"file {actual[0]}x{actual[1]}, row {recorded[0]}x{recorded[1]}, "
        f"{spec.key} wants {spec.width}x{spec.height}"
    )


def _byte_problem(row: Mapping, spec: Placement, data: bytes) -> str | None:
    size = len(data)
    if size <= spec.max_bytes and size == row["file_size_bytes"]:
        return None
    return (
        f"{size:,} bytes (row says {row['file_size_bytes']:,}); "
        f"{spec.key} allows {spec.max_bytes:,}"
    )


def dimension_problems(
    rows: Sequence[Mapping], read: Callable[[str], bytes], placements: Sequence[Placement]
) -> list[str]:
    """The file's decoded pixel size equals the row's dimensions and the placement's."""
    return _problems(rows, read, placements, _dimension_problem)


def byte_problems(
    rows: Sequence[Mapping], read: Callable[[str], bytes], placements: Sequence[Placement]
) -> list[str]:
    """The file is no bigger than the placement's limit, and as big as the row says."""
    return _problems(rows, read, placements, _byte_problem)


def quality_problems(rows: Sequence[Mapping], minimum: float = MIN_QUALITY_SCORE) -> list[str]:
    """quality_score (SSIM against an exact resize) is at least ``minimum``."""
    problems = []
    for row in rows:
        score = row["quality_score"]
        if score is None or float(score) < minimum:
            shown = "missing" if score is None else f"{float(score):.4f}"
            problems.append(f"{row['file_path']}: SSIM {shown} < {minimum}")
    return problems


# above this share of fill a variant is more backdrop than picture: a warning
FILL_WARN = 0.30
MAX_FILL_SHARE = 0.65


def fill_problems(
    rows: Sequence[Mapping], maximum: float = MAX_FILL_SHARE, warn: float = FILL_WARN
) -> tuple[list[str], list[str]]:
    """(failures above ``maximum``, warnings above ``warn``): one line per variant whose
    fill_share (the share of its pixels that are fill) is too high; a row that does not
    record it was made before fill was measured, and is neither."""
    failures, warnings = [], []
    for row in rows:
        share = row["fill_share"]
        if share is None or float(share) <= warn:
            continue
        line = f"{row['file_path']}: {float(share):.0%} fill"
        if float(share) > maximum:
            failures.append(f"{line} > {maximum:.0%}")
        else:
            warnings.append(f"{line} > {warn:.0%}")
    return failures, warnings
