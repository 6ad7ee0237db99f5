"""The zones a crop must keep: a template's text and logo boxes, or a JSON zones file."""

import json
from collections.abc import Mapping
from pathlib import Path

from assets.brand_kits import load_template
from assets.variants.crops import Zone

NOT_KEPT = ("background",)  # the background may be cropped; everything else is brand


class ZonesFileError(ValueError):
    pass


def template_zones(row: Mapping) -> tuple[list[Zone], tuple[int, int]]:
    """A content_templates row → its text and logo zones, and the canvas they are drawn on.

    Raises TemplateError when the template does not validate.
    """
    spec = load_template(row)
    boxes = [*spec.text_zones, *spec.image_zones]
    zones = [Zone(b.name, b.x, b.y, b.width, b.height) for b in boxes if b.name not in NOT_KEPT]
    return zones, (spec.width, spec.height)


def read_zones_file(path: Path) -> tuple[list[Zone], tuple[int, int] | None]:
    """Zones from JSON: a list of {name, x, y, width, height}, or a template-like object
    with text_zones / image_zones (and format_specifications width and height when the
    boxes are on a canvas other than the image)."""
    try:
        raw = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise ZonesFileError(f"{path}: not a readable JSON file ({error})") from None
    canvas = None
    if isinstance(raw, Mapping):
        fmt = raw.get("format_specifications") or {}
        if fmt.get("width") and fmt.get("height"):
            canvas = (int(fmt["width"]), int(fmt["height"]))
        raw = [*(raw.get("text_zones") or []), *(raw.get("image_zones") or [])]
    if not isinstance(raw, list):
        raise ZonesFileError(f"{path}: expected a list of zones or an object with text_zones")
    zones = []
    for index, item in enumerate(raw):
        try:
            zone = Zone(
                str(item.get("name") or f"zone_{index}"),
                *(float(item[key]) for key in ("x", "y", "width", "height")),
            )
        except (AttributeError, KeyError, TypeError, ValueError):
            raise ZonesFileError(
                f"{path}: zone {index} needs numeric x, y, width and height, got {item!r:.120}"
            ) from None
        if zone.width <= 0 or zone.height <= 0 or zone.x < 0 or zone.y < 0:
            raise ZonesFileError(f"{path}: zone {zone.name!r} is empty or off the canvas")
        if zone.name not in NOT_KEPT:
            zones.append(zone)
    return zones, canvas
