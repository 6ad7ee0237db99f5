"""TemplateSpec: a content_templates row, validated before rendering.

Zones are pixel boxes on the canvas (format_specifications width × height).
Text zones: headline, subheadline, body, cta; image zones: logo, background
(the whole canvas when absent). Every zone must lie inside the canvas, and
where the placement has UI overlay areas (docs/PLACEMENTS.md: bands along the
edges, ``safe_area_px``, and corner boxes, ``overlays_px``, in
core/platform_placements.toml, merged with the row's layout_config) text and
logo zones must stay out of them.
"""

import json
from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assets.brand_kits.errors import TemplateError, first_problem
from assets.brand_kits.geometry import Box, OverlayBox, SafeArea
from core.placements import Overlay, Placement, all_placements, overlays_of

TEXT_ZONES = ("headline", "subheadline", "body", "cta")
IMAGE_ZONES = ("logo", "background")
MAX_CANVAS_SIDE = 8192
JSON_COLUMNS = (
    "format_specifications",
    "layout_config",
    "text_zones",
    "image_zones",
    "brand_elements",
)


class TextZone(Box):
    model_config = ConfigDict(frozen=True, extra="ignore")

    name: str
    font_role: Literal["primary", "secondary"] | None = None
    max_font_size: int | None = Field(default=None, gt=0)
    min_font_size: int | None = Field(default=None, gt=0)
    align: Literal["left", "center", "right"] = "left"
    valign: Literal["top", "middle", "bottom"] = "middle"

    @property
    def role(self) -> str:
        """The zone's font_role; by default primary for headline and cta, else secondary."""
        return self.font_role or ("primary" if self.name in ("headline", "cta") else "secondary")


class ImageZone(Box):
    model_config = ConfigDict(frozen=True, extra="ignore")

    name: str
    fit: Literal["contain", "cover"] = "contain"


class FormatSpecifications(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    placement: str | None = None
    width: int = Field(gt=0, le=MAX_CANVAS_SIDE)
    height: int = Field(gt=0, le=MAX_CANVAS_SIDE)
    formats: tuple[str, ...] = ()
    max_bytes: int | None = Field(default=None, gt=0)


class TemplateSpec(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str | None = None
    brand_profile_id: str | None = None
    name: str
    template_type: str | None = None
    platform: str = Field(pattern=r"^[a-z0-9_]+$")
    format_specifications: FormatSpecifications
    text_zones: tuple[TextZone, ...] = Field(min_length=1)
    image_zones: tuple[ImageZone, ...] = ()
    safe_area: SafeArea = SafeArea()
    overlay_boxes: tuple[OverlayBox, ...] = ()
    layout_config: dict = Field(default_factory=dict)
    brand_elements: dict = Field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def width(self) -> int:
        return self.format_specifications.width

    @property
    def height(self) -> int:
        return self.format_specifications.height

    @property
    def canvas(self) -> Box:
        return Box(x=0, y=0, width=self.width, height=self.height)

    @property
    def placement(self) -> str | None:
        return self.format_specifications.placement

    def text_zone(self, name: str) -> TextZone | None:
        return next((zone for zone in self.text_zones if zone.name == name), None)

    def image_zone(self, name: str) -> ImageZone | None:
        return next((zone for zone in self.image_zones if zone.name == name), None)

    @property
    def background_zone(self) -> Box:
        return self.image_zone("background") or self.canvas

    @property
    def safe_box(self) -> Box:
        """The canvas minus the UI overlay bands."""
        return self.safe_area.inside(self.canvas)


def _check_zones(spec: TemplateSpec) -> None:
    canvas, safe = spec.canvas, spec.safe_box
    seen: set[str] = set()
    for kind, known, zones in (
        ("text_zones", TEXT_ZONES, spec.text_zones),
        ("image_zones", IMAGE_ZONES, spec.image_zones),
    ):
        for index, zone in enumerate(zones):
            field, label = f"{kind}[{index}]", f"zone {zone.name!r} {zone.describe()}"
            if zone.name not in known:
                reason = f"unknown zone {zone.name!r} (known: {', '.join(known)})"
                raise TemplateError(spec.name, f"{field}.name", reason)
            if zone.name in seen:
                raise TemplateError(spec.name, f"{field}.name", f"zone {zone.name!r} repeated")
            seen.add(zone.name)
            if not canvas.contains(zone):
                reason = f"{label} lies outside the {canvas.width}×{canvas.height} canvas"
                raise TemplateError(spec.name, field, reason)
            if zone.name != "background" and not safe.contains(zone):
                reason = f"{label} overlaps the UI overlay bands ({spec.safe_area.describe()})"
                raise TemplateError(spec.name, field, reason)
            covered = [box for box in spec.overlay_boxes if box.overlaps(zone)]
            if zone.name != "background" and covered:
                where = f"{covered[0].name} {covered[0].describe()}"
                reason = f"{label} overlaps the UI overlay box {where}"
                raise TemplateError(spec.name, field, reason)
            low, high = getattr(zone, "min_font_size", None), getattr(zone, "max_font_size", None)
            if low and high and low > high:
                reason = f"{low} is above max_font_size {high}"
                raise TemplateError(spec.name, f"{field}.min_font_size", reason)


def _placement(platform: object, fmt: Mapping, placements: Sequence[Placement]) -> Placement | None:
    same_platform = [p for p in placements if p.platform == platform]
    if fmt.get("placement"):
        return next((p for p in same_platform if p.placement == fmt["placement"]), None)
    size = (fmt.get("width"), fmt.get("height"))
    sized = [p for p in same_platform if (p.width, p.height) == size]
    return sized[0] if len(sized) == 1 else None


def _overlay_boxes(
    overlays: Sequence[Overlay], fmt: Mapping, placement: Placement | None
) -> tuple[dict, ...]:
    """The corner boxes on the template's canvas (scaled when it differs from the placement)."""
    try:
        canvas = (int(fmt["width"]), int(fmt["height"]))
    except (KeyError, TypeError, ValueError):
        return ()  # the canvas itself is reported by validation
    if not overlays or min(canvas) <= 0:
        return ()
    base = (placement.width, placement.height) if placement is not None else canvas
    scale = (canvas[0] / base[0], canvas[1] / base[1])
    boxes = []
    for overlay in overlays:
        x, y, width, height = overlay.box(canvas, scale)
        if width > 0 and height > 0:
            boxes.append({"name": overlay.name, "x": x, "y": y, "width": width, "height": height})
    return tuple(boxes)


def load_template(
    row: Mapping | None, *, placements: Sequence[Placement] | None = None
) -> TemplateSpec:
    """Validate a content_templates row (dict-like; jsonb as objects or JSON text).

    ``placements`` (default: core/platform_placements.toml) supplies the UI
    overlay bands. Raises TemplateError naming the field.
    """
    if not isinstance(row, Mapping):
        raise TemplateError("<missing>", "template", "no template (missing or deleted)")
    name = str(row.get("name") or row.get("id") or "<unnamed>")
    data: dict = {
        "id": str(row["id"]) if row.get("id") is not None else None,
        "brand_profile_id": (
            str(row["brand_profile_id"]) if row.get("brand_profile_id") is not None else None
        ),
        "name": name,
        "template_type": row.get("template_type"),
        "platform": row.get("platform"),
    }
    for key in JSON_COLUMNS:
        value = row.get(key)
        if isinstance(value, str | bytes):
            try:
                value = json.loads(value)
            except ValueError as exc:
                raise TemplateError(name, key, f"is not valid JSON ({exc})") from None
        data[key] = value
    fmt, layout = data["format_specifications"], data["layout_config"] or {}
    data["layout_config"], data["brand_elements"] = layout, data["brand_elements"] or {}
    if not isinstance(fmt, Mapping) or not fmt:
        raise TemplateError(name, "format_specifications", "missing: needs width and height")
    if not isinstance(layout, Mapping):
        raise TemplateError(name, "layout_config", f"must be an object, got {layout!r:.80}")
    try:
        own = SafeArea.model_validate(layout.get("safe_area_px") or {})
    except ValidationError as exc:
        raise TemplateError(name, *first_problem(exc, "layout_config.safe_area_px")) from None
    try:
        overlays = list(overlays_of(layout.get("overlays_px") or ()))
    except (ValueError, TypeError, AttributeError) as exc:
        raise TemplateError(name, "layout_config.overlays_px", str(exc)) from None
    notes = []
    placement = _placement(data["platform"], fmt, placements or all_placements())
    if placement is None:
        notes.append(f"no known placement {data['platform']}.{fmt.get('placement')}")
        data["safe_area"] = own
    else:
        data["safe_area"] = own.merged(SafeArea.model_validate(placement.safe_area_px))
        overlays += [o for o in placement.overlays_px if o not in overlays]
        if (placement.width, placement.height) != (fmt.get("width"), fmt.get("height")):
            size = f"{placement.width}×{placement.height}"
            notes.append(f"canvas differs from {placement.key} ({size})")
    data["warnings"] = tuple(notes)
    data["overlay_boxes"] = _overlay_boxes(overlays, fmt, placement)
    try:
        spec = TemplateSpec.model_validate(data)
    except ValidationError as exc:
        raise TemplateError(name, *first_problem(exc, "")) from None
    _check_zones(spec)
    return spec
