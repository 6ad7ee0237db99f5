"""The renderer's account of an image (RenderResult.metadata), read back for scoring.

Generation stores it in ``generated_assets.generation_parameters["render"]``. It
says where text was drawn, in which font and size, and where the logo zone is;
pixels are still measured (text contrast, the logo itself). Boxes are scaled to
the image's actual size, so an image resized after rendering is still measured
where its text and logo are. Malformed entries are ignored, never fatal: a rule
that needs them reports "not measured" instead.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from assets.brand_kits.geometry import Box, OverlayBox, SafeArea

# the zones the renderer draws in bold (assets/rendering/text_zones.py BOLD_ZONES)
BOLD_ZONES = ("headline", "cta")


@dataclass(frozen=True)
class TextElement:
    name: str
    zone: Box
    text_box: Box | None  # the drawn text's ink; None when the zone was left empty
    pill: Box | None  # the call to action's button
    font_file: str | None
    font_family: str | None
    font_role: str
    font_fallback: bool
    font_size: float | None  # px, scaled to the image
    bold: bool
    text_color: str | None  # what the renderer says it drew the text in
    # words the renderer split with a hyphen to fit; None when the record does not say
    split_words: tuple[str, ...] | None = None
    # text was given but the zone is too small for one letter at the minimum size
    too_small: bool = False

    @property
    def drawn(self) -> bool:
        return self.text_box is not None


@dataclass(frozen=True)
class RenderInfo:
    canvas: tuple[int, int]  # the image's size (boxes below are in its pixels)
    scale: tuple[float, float]  # image size / rendered canvas size
    placement_key: str | None  # "instagram.story"
    safe_area: SafeArea
    overlay_boxes: tuple[OverlayBox, ...]  # corner boxes of the app's interface
    texts: tuple[TextElement, ...]
    logo_zone: Box | None
    logo_box: Box | None

    def text(self, name: str) -> TextElement | None:
        return next((t for t in self.texts if t.name == name), None)


def _box(raw: object, sx: float, sy: float, size: tuple[int, int]) -> Box | None:
    if not isinstance(raw, Mapping):
        return None
    try:
        x, y = float(raw["x"]) * sx, float(raw["y"]) * sy
        right, bottom = x + float(raw["width"]) * sx, y + float(raw["height"]) * sy
    except (KeyError, TypeError, ValueError):
        return None
    left, top = max(0, round(x)), max(0, round(y))
    right, bottom = min(size[0], round(right)), min(size[1], round(bottom))
    if right <= left or bottom <= top:
        return None
    return Box(x=left, y=top, width=right - left, height=bottom - top)


def _text(name: str, raw: Mapping, sx: float, sy: float, size) -> TextElement | None:
    zone = _box(raw.get("zone"), sx, sy, size)
    if zone is None:
        return None
    drawn = bool(raw.get("drawn"))
    font_size = raw.get("font_size")
    font_file = raw.get("font_file") if isinstance(raw.get("font_file"), str) else None
    bold = name in BOLD_ZONES or "bold" in (font_file or "").lower()
    return TextElement(
        name=name,
        zone=zone,
        text_box=_box(raw.get("text_box"), sx, sy, size) if drawn else None,
        pill=_box(raw.get("pill"), sx, sy, size),
        font_file=font_file,
        font_family=raw.get("font_family") if isinstance(raw.get("font_family"), str) else None,
        font_role=str(raw.get("font_role") or "primary"),
        font_fallback=bool(raw.get("font_fallback")),
        font_size=float(font_size) * min(sx, sy) if isinstance(font_size, int | float) else None,
        bold=bold,
        text_color=raw.get("text_color") if isinstance(raw.get("text_color"), str) else None,
        split_words=_words(raw.get("split_words")),
        too_small=bool(raw.get("too_small")) and not drawn,
    )


def _words(raw: object) -> tuple[str, ...] | None:
    if not isinstance(raw, list):
        return None
    return tuple(str(word) for word in raw)


def _placement_key(metadata: Mapping) -> str | None:
    if isinstance(metadata.get("placement"), str):
        return metadata["placement"]
    template = metadata.get("template")
    if isinstance(template, Mapping) and template.get("platform") and template.get("placement"):
        return f"{template['platform']}.{template['placement']}"
    return None


def _safe_area(raw: object, sx: float, sy: float) -> SafeArea:
    if not isinstance(raw, Mapping):
        return SafeArea()
    try:
        return SafeArea(
            top=round(float(raw.get("top", 0)) * sy),
            bottom=round(float(raw.get("bottom", 0)) * sy),
            left=round(float(raw.get("left", 0)) * sx),
            right=round(float(raw.get("right", 0)) * sx),
        )
    except (TypeError, ValueError):
        return SafeArea()


def _overlays(raw: object, sx: float, sy: float, size) -> tuple[OverlayBox, ...]:
    if not isinstance(raw, list):
        return ()
    found = []
    for item in raw:
        box = _box(item, sx, sy, size)
        if box is not None:
            found.append(OverlayBox(name=str(item.get("name") or "overlay"), **box.as_dict()))
    return tuple(found)


def read_render_info(metadata: Mapping | None, image_size: tuple[int, int]) -> RenderInfo | None:
    """The render metadata in the image's pixels; None when there is none to read."""
    if not isinstance(metadata, Mapping):
        return None
    canvas = metadata.get("canvas")
    try:
        width, height = int(canvas["width"]), int(canvas["height"])
    except (KeyError, TypeError, ValueError):
        width, height = image_size
    if width <= 0 or height <= 0:
        return None
    sx, sy = image_size[0] / width, image_size[1] / height
    zones = metadata.get("text_zones") if isinstance(metadata.get("text_zones"), Mapping) else {}
    texts = tuple(
        element
        for name, raw in zones.items()
        if isinstance(raw, Mapping) and (element := _text(str(name), raw, sx, sy, image_size))
    )
    logo = metadata.get("logo") if isinstance(metadata.get("logo"), Mapping) else {}
    return RenderInfo(
        canvas=image_size,
        scale=(sx, sy),
        placement_key=_placement_key(metadata),
        safe_area=_safe_area(metadata.get("safe_area"), sx, sy),
        overlay_boxes=_overlays(metadata.get("overlays"), sx, sy, image_size),
        texts=texts,
        logo_zone=_box(logo.get("zone"), sx, sy, image_size),
        logo_box=_box(logo.get("box"), sx, sy, image_size),
    )


def drawn_texts(info: RenderInfo | None, unknown: str) -> tuple[list[TextElement], str | None]:
    """The text elements actually drawn, or why a text rule cannot measure anything."""
    if info is None:
        return [], unknown
    drawn = [element for element in info.texts if element.drawn]
    return drawn, None if drawn else "no text was drawn"
