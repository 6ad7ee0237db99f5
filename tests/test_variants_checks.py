"""The variant checks' rules: a wrong size or an oversized file is reported, a good one is not."""

import dataclasses
import io

from PIL import Image

from assets.variants.checks import byte_problems, dimension_problems
from core.placements import all_placements


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(buffer, format="PNG")
    return buffer.getvalue()


def _row(path: str, width: int, height: int, size: int) -> dict:
    return {
        "file_path": path,
        "platform": "instagram",
        "placement": "feed_square",
        "dimensions": {"width": width, "height": height},
        "file_size_bytes": size,
    }


def test_dimensions_must_match_the_file_the_row_and_the_placement() -> None:
    files = {"good.png": _png(1080, 1080), "small.png": _png(100, 50)}
    rows = [_row("good.png", 1080, 1080, 0), _row("small.png", 1080, 1080, 0)]
    problems = dimension_problems(rows, files.__getitem__, all_placements())
    assert problems == [
        "small.png: file 100x50, row 1080x1080, instagram.feed_square wants 1080x1080"
    ]


def test_bytes_must_fit_the_limit_and_match_the_row() -> None:
    data = _png(1080, 1080)
    tight = [
        dataclasses.replace(p, max_bytes=len(data) - 1) if p.key == "instagram.feed_square" else p
        for p in all_placements()
    ]
    rows = [_row("a.png", 1080, 1080, len(data))]
    assert byte_problems(rows, {"a.png": data}.__getitem__, all_placements()) == []
    (problem,) = byte_problems(rows, {"a.png": data}.__getitem__, tight)
    assert problem.startswith("a.png:") and f"allows {len(data) - 1:,}" in problem


def test_an_unreadable_file_is_a_problem_not_a_crash() -> None:
    def missing(path: str) -> bytes:
        raise FileNotFoundError(path)

    (problem,) = byte_problems([_row("gone.png", 1080, 1080, 1)], missing, all_placements())
    assert problem.startswith("gone.png:")
