"""Safe zones: no text and no logo inside the placement's UI overlay areas.

The areas (docs/PLACEMENTS.md) are the placement's bands along the edges
(``safe_area_px``: stories, TikTok) merged with the template's own, and its corner
boxes (``overlays_px``: YouTube's duration badge) with the template's; text is
where the render metadata says it was drawn, the logo is where the pixels show it
(else where the metadata put it).
"""

from assets.brand_kits.geometry import Box, OverlayBox, SafeArea
from assets.compliance.boxes import overlap
from assets.compliance.render_info import RenderInfo
from assets.compliance.results import RuleResult, not_measured
from assets.compliance.settings import RuleSettings
from core.placements import Placement

RULE = "safe_zones"
# the logo's box comes from template matching, accurate to a pixel or two
LOGO_TOLERANCE = 2


def bands(size: tuple[int, int], safe_area: SafeArea) -> list[tuple[str, Box]]:
    width, height = size
    found = []
    for side, box in (
        ("top", (0, 0, width, safe_area.top)),
        ("bottom", (0, height - safe_area.bottom, width, safe_area.bottom)),
        ("left", (0, 0, safe_area.left, height)),
        ("right", (width - safe_area.right, 0, safe_area.right, height)),
    ):
        if box[2] > 0 and box[3] > 0:
            found.append((side, Box(x=box[0], y=box[1], width=box[2], height=box[3])))
    return found


def _placement_area(placement: Placement, size: tuple[int, int]) -> SafeArea:
    raw = placement.safe_area_px or {}
    sx, sy = size[0] / placement.width, size[1] / placement.height
    return SafeArea(
        top=round(raw.get("top", 0) * sy),
        bottom=round(raw.get("bottom", 0) * sy),
        left=round(raw.get("left", 0) * sx),
        right=round(raw.get("right", 0) * sx),
    )


def _placement_boxes(placement: Placement, size: tuple[int, int]) -> list[OverlayBox]:
    scale = (size[0] / placement.width, size[1] / placement.height)
    boxes = []
    for overlay in placement.overlays_px:
        x, y, width, height = overlay.box(size, scale)
        if width > 0 and height > 0:
            boxes.append(OverlayBox(name=overlay.name, x=x, y=y, width=width, height=height))
    return boxes


def overlay_areas(
    size: tuple[int, int], placement: Placement | None, info: RenderInfo | None
) -> tuple[SafeArea, list[tuple[str, Box]]]:
    """The merged edge bands, and every overlay area as (name, box) in the image's pixels."""
    area = _placement_area(placement, size) if placement is not None else SafeArea()
    boxes = _placement_boxes(placement, size) if placement is not None else []
    if info is not None:
        area = area.merged(info.safe_area)
        # the template's boxes include the placement's (scaled from its canvas): by name
        named = {box.name for box in boxes}
        boxes += [box for box in info.overlay_boxes if box.name not in named]
    return area, [*bands(size, area), *((box.name, box) for box in boxes)]


def safe_zone_rule(
    size: tuple[int, int],
    placement: Placement | None,
    info: RenderInfo | None,
    logo_box: Box | None,
    settings: RuleSettings,
) -> RuleResult:
    weight = settings.weight(RULE)
    area, overlay = overlay_areas(size, placement, info)
    if not overlay:
        where = placement.key if placement is not None else "this image"
        return RuleResult(RULE, 0, 0, weight, True, f"{where} has no UI overlay areas")
    elements: list[tuple[str, Box]] = []
    if info is not None:
        for text in info.texts:
            for box in (text.text_box, text.pill):
                if box is not None:
                    elements.append((f"{text.name} text", box))
                    break
    if logo_box is not None:
        inner = logo_box.inset(LOGO_TOLERANCE) or logo_box
        elements.append(("logo", inner))
    elif info is not None and info.logo_box is not None:
        elements.append(("logo", info.logo_box))
    if not elements:
        return not_measured(RULE, weight, "no text or logo position known")
    inside = []
    total = 0
    for name, box in elements:
        covered = sum(overlap(box, band) for _, band in overlay)
        if covered:
            sides = [side for side, band in overlay if overlap(box, band)]
            inside.append(f"{name} {box.describe()} in the {'/'.join(sides)} overlay")
            total += covered
    largest = max(box.width * box.height for _, box in elements)
    return RuleResult(
        rule=RULE,
        value=total,
        threshold=0,
        weight=weight,
        passed=not inside,
        message="; ".join(inside)
        if inside
        else f"text and logo clear of the overlay areas ({_describe(area, overlay)})",
        progress=max(0.0, 1 - total / largest),
        details={
            "overlay_px": area.model_dump(),
            "overlay_boxes": [box.as_dict() for _, box in overlay if isinstance(box, OverlayBox)],
        },
    )


def _describe(area: SafeArea, overlay: list[tuple[str, Box]]) -> str:
    named = [f"{name} {box.describe()}" for name, box in overlay if isinstance(box, OverlayBox)]
    bands_named = [area.describe()] if area != SafeArea() else []
    return "; ".join([*bands_named, *named])
