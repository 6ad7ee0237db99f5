"""The promises a variant row makes, checked against its file (no Dagster).

Each function takes the rows of asset_variants a run wrote and returns the
problems found, one line per variant, empty when all is well.
"""

import io
from collections.abc import Callable, Mapping, Sequence

from PIL import Image

from assets.placements import Placement, UnknownPlacementError, find_placement

MIN_QUALITY_SCORE = 0.9


def _spec(row: Mapping, placements: Sequence[Placement]) -> Placement:
    return find_placement(row["platform"], row["placement"], placements)


def dimension_problems(
    rows: Sequence[Mapping], read: Callable[[str], bytes], placements: Sequence[Placement]
) -> list[str]:
    """The file's decoded pixel size equals the row's dimensions and the placement's."""
    problems = []
    for row in rows:
        try:
            spec = _spec(row, placements)
            with Image.open(io.BytesIO(read(row["file_path"]))) as image:
                actual = image.size
        except (UnknownPlacementError, OSError) as error:
            problems.append(f"{row['file_path']}: {error}")
            continue
        recorded = (row["dimensions"]["width"], row["dimensions"]["height"])
        if not actual == recorded == (spec.width, spec.height):
            problems.append(
                f"{row['file_path']}: file {actual[0]}x{actual[1]}, row {recorded[0]}x"
                f"{recorded[1]}, {spec.key} wants {spec.width}x{spec.height}"
            )
    return problems


def byte_problems(
    rows: Sequence[Mapping], read: Callable[[str], bytes], placements: Sequence[Placement]
) -> list[str]:
    """The file is no bigger than the placement's limit, and as big as the row says."""
    problems = []
    for row in rows:
        try:
            spec = _spec(row, placements)
            size = len(read(row["file_path"]))
        except (UnknownPlacementError, OSError) as error:
            problems.append(f"{row['file_path']}: {error}")
            continue
        if size > spec.max_bytes or size != row["file_size_bytes"]:
            problems.append(
                f"{row['file_path']}: {size:,} bytes (row says {row['file_size_bytes']:,}); "
                f"{spec.key} allows {spec.max_bytes:,}"
            )
    return problems


def quality_problems(rows: Sequence[Mapping], minimum: float = MIN_QUALITY_SCORE) -> list[str]:
    """quality_score (SSIM against an exact resize) is at least ``minimum``."""
    problems = []
    for row in rows:
        score = row["quality_score"]
        if score is None or float(score) < minimum:
            shown = "missing" if score is None else f"{float(score):.4f}"
            problems.append(f"{row['file_path']}: SSIM {shown} < {minimum}")
    return problems
