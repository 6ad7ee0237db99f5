"""A contact sheet: one PNG with a labelled thumbnail of every image a run made."""

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

THUMB = 240
LABEL_HEIGHT = 28
COLUMNS = 6


def contact_sheet(images: Sequence[tuple[str, bytes]]) -> bytes:
    """`images` = (label, encoded image) pairs → a PNG grid, labels under each thumbnail."""
    rows = max(1, -(-len(images) // COLUMNS))
    columns = max(1, min(COLUMNS, len(images)))
    cell_h = THUMB + LABEL_HEIGHT
    sheet = Image.new("RGB", (columns * THUMB, rows * cell_h), "white")
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=13)
    for index, (label, data) in enumerate(images):
        x, y = (index % COLUMNS) * THUMB, (index // COLUMNS) * cell_h
        with Image.open(io.BytesIO(data)) as image:
            image.thumbnail((THUMB - 8, THUMB - 8))
            sheet.paste(
                image.convert("RGB"),
                (x + (THUMB - image.width) // 2, y + (THUMB - image.height) // 2),
            )
        draw.text((x + 6, y + THUMB + 6), label[:34], fill="black", font=font)
    buffer = io.BytesIO()
    sheet.save(buffer, format="PNG")
    return buffer.getvalue()
