"""The zones a crop must keep: a template's text and logo boxes, or a JSON zones file."""

import math
from collections.abc import Mapping
from pathlib import Path

from assets.brand_kits import load_template
from assets.variants.crops import Zone
from resources.input_files import InputFileError, read_json_file

NOT_KEPT = ("background",)
# past any image the decoder accepts (assets/variants/decode.py MAX_PIXELS)
MAX_COORDINATE = 1_000_000  # the background may be cropped; everything else is brand


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


def _canvas(path: Path, fmt: object) -> tuple[int, int] | None:
    if not isinstance(fmt, Mapping):
        raise ZonesFileError(f"{path}: format_specifications must be an object")
    if not (fmt.get("width") and fmt.get("height")):
        return None
    size = []
    for key in ("width", "height"):
        value = fmt[key]
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not 0 < value <= MAX_COORDINATE:
            raise ZonesFileError(
                f"{path}: format_specifications.{key} must be a number of pixels, got {value!r:.40}"
            )
        size.append(int(value))
    return size[0], size[1]


def _zone(path: Path, index: int, item: object) -> Zone:
    try:
        name = str(item.get("name") or f"zone_{index}")
        numbers = [float(item[key]) for key in ("x", "y", "width", "height")]
    except (AttributeError, KeyError, TypeError, ValueError):
        raise ZonesFileError(
            f"{path}: zone {index} needs numeric x, y, width and height, got {item!r:.120}"
        ) from None
    if not all(math.isfinite(number) for number in numbers):
        raise ZonesFileError(f"{path}: zone {name!r} has a number that is not finite")
    if max(numbers) > MAX_COORDINATE:
        raise ZonesFileError(f"{path}: zone {name!r} lies beyond {MAX_COORDINATE:,} pixels")
    return Zone(name, *numbers)


def read_zones_file(path: Path) -> tuple[list[Zone], tuple[int, int] | None]:
    """Zones from JSON: a list of {name, x, y, width, height}, or a template-like object
    with text_zones / image_zones (and format_specifications width and height when the
    boxes are on a canvas other than the image). ZonesFileError names the file and the
    problem: a list where an object belongs, a number that is not finite, an empty box."""
    try:
        raw = read_json_file(path)
    except InputFileError as error:
        raise ZonesFileError(str(error)) from None
    canvas = None
    if isinstance(raw, Mapping):
        canvas = _canvas(path, raw.get("format_specifications") or {})
        lists = [raw.get(key) or [] for key in ("text_zones", "image_zones")]
        if not all(isinstance(zones, list) for zones in lists):
            raise ZonesFileError(f"{path}: text_zones and image_zones must be lists of zones")
        raw = [*lists[0], *lists[1]]
    if not isinstance(raw, list):
        raise ZonesFileError(f"{path}: expected a list of zones or an object with text_zones")
    zones = []
    for index, item in enumerate(raw):
        zone = _zone(path, index, item)
        if zone.width <= 0 or zone.height <= 0 or zone.x < 0 or zone.y < 0:
            raise ZonesFileError(f"{path}: zone {zone.name!r} is empty or off the canvas")
        if zone.name not in NOT_KEPT:
            zones.append(zone)
    return zones, canvas


def nested_zones(zones: list[Zone]) -> list[str]:
    """Zones lying entirely inside another (the same box twice included): likely a mistake
    in a zones file, harmless to the crop, which keeps the outer box whole either way."""
    found = []
    for i, inner in enumerate(zones):
        for j, outer in enumerate(zones):
            if i == j or not _within(inner, outer):
                continue
            if not _within(outer, inner):
                found.append(f"zone {inner.name!r} lies entirely inside zone {outer.name!r}")
            elif i > j:  # the same box: said once per pair
                found.append(f"zone {inner.name!r} covers the same box as zone {outer.name!r}")
    return found


def _within(inner: Zone, outer: Zone) -> bool:
    return (
        outer.x <= inner.x
        and outer.y <= inner.y
        and inner.right <= outer.right
        and inner.bottom <= outer.bottom
    )
