"""What an image file is, read from its bytes: the recorded dimensions must be the
file's, not the size the platform asked for (a story master is 1080x1920 even
though the platform's primary size is square). No Dagster."""

import io
from collections.abc import Callable, Mapping, Sequence

from PIL import Image

# Pillow's format name -> the name a row records (the file extension's image type)
FORMAT_NAMES = {"PNG": "png", "WEBP": "webp", "JPEG": "jpeg", "GIF": "gif"}


def image_dimensions(data: bytes) -> dict:
    """{"width", "height", "format"} from the file's header (nothing is decoded)."""
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
        image_format = FORMAT_NAMES.get(image.format or "", (image.format or "").lower())
    return {"width": width, "height": height, "format": image_format}


def dimension_problems(rows: Sequence[Mapping], read: Callable[[str], bytes]) -> list[str]:
    """One line per row whose dimensions are not its file's (width, height, format)."""
    problems = []
    for row in rows:
        recorded = row["dimensions"] or {}
        try:
            actual = image_dimensions(read(row["file_path"]))
        except OSError as error:  # a missing or undecodable file
            problems.append(f"{row['file_path']}: {error}")
            continue
        wrong = [key for key in ("width", "height", "format") if recorded.get(key) != actual[key]]
        if wrong:
            problems.append(
                f"{row['file_path']}: file {actual['width']}x{actual['height']} "
                f"{actual['format']}, row {recorded.get('width')}x{recorded.get('height')} "
                f"{recorded.get('format')}"
            )
    return problems
