"""render_template: background, logo, headline/body/cta composed into a template.

Deterministic: the same inputs give the same pixels (and PNG bytes) with the same
Pillow and FreeType. Text and the call-to-action pill stay inside their zones;
everything the compliance stage checks is in ``RenderResult.metadata``.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from io import BytesIO

import numpy as np
from PIL import Image

from assets.brand_kits import BrandKit, TemplateSpec, TextZone
from assets.brand_kits.geometry import Box
from assets.rendering import text_zones as tz
from assets.rendering.contrast import WCAG_AA, luminance, measure, pick_ink
from assets.rendering.layers import cover, fill_rounded, flatten, place_logo

DEFAULT_CTA = "Learn more"
# a repair's scrim (assets/compliance/repairs.py): the renderer's own estimate of "reads"
# already failed once on this backdrop, so the repair does not trust a faint one
REPAIR_SCRIM_OPACITY = 0.9
# a repair's plate reaches this share of the logo zone's shorter side beyond the zone:
# more than the clear space compliance asks around the logo (RuleSettings.logo_clear_space)
PLATE_MARGIN = 0.25
# below this the pill does not stand out from the background: it gets a ring
PILL_MIN_CONTRAST = 1.4


@dataclass(frozen=True)
class RenderRepairs:
    """Fixes a repair attempt asks of the renderer (assets/compliance/repairs.py)."""

    scrim_zones: frozenset[str] = frozenset()  # text zones drawn on an opaque scrim
    logo_plate: bool = False  # a flat brand-colour plate behind the logo

    def as_dict(self) -> dict:
        return {"scrim_zones": sorted(self.scrim_zones), "logo_plate": self.logo_plate}


NO_REPAIRS = RenderRepairs()


@dataclass(frozen=True)
class RenderResult:
    image: Image.Image  # RGB, template.width × template.height
    metadata: dict  # JSON-serialisable

    def png_bytes(self) -> bytes:
        buffer = BytesIO()
        self.image.save(buffer, format="PNG")
        return buffer.getvalue()


def request_texts(request: Mapping, *, default_cta: str = DEFAULT_CTA) -> dict[str, str]:
    """Zone texts from a content_requests row: title → headline, description (else the
    brief) → body, style_preferences.cta (else ``default_cta``) → cta."""
    style = request.get("style_preferences") or {}
    if isinstance(style, str | bytes):
        try:
            style = json.loads(style)
        except ValueError:
            style = {}
    cta = style.get("cta") or style.get("call_to_action") if isinstance(style, Mapping) else None
    # a template preview may pass any JSON: only text is drawn (requests are checked
    # before generation, assets/generation/planning.py)
    cta = cta if isinstance(cta, str) else None
    return {
        "headline": request.get("title") or "",
        "body": request.get("description") or request.get("content_brief") or "",
        "cta": cta or default_cta,
    }


def _draw_text_zone(
    canvas: Image.Image, kit: BrandKit, zone: TextZone, raw: str, forced: bool = False
) -> dict:
    text, capped = tz.clean(raw, tz.TEXT_LIMITS.get(zone.name, 400))
    record = tz.zone_record(zone, kit, text, capped)
    fitted = tz.fit_zone(zone, kit, text, zone, None) if text else None
    if fitted is None:
        return tz.not_fitted(record, zone, text)
    placed = tz.place(fitted, zone, zone.align, zone.valign)
    ink, backdrop = tz.plain_ink(canvas, kit, placed.ink)
    scrim = None
    if ink.worst_contrast < WCAG_AA or forced:
        # a busy backdrop: text goes on a scrim, refitted so the scrim has a margin
        inner = zone.inset(tz.scrim_margin(fitted.size))
        refit = tz.fit_zone(zone, kit, text, inner, None) if inner else None
        if refit is not None:
            placed = tz.place(refit, inner, zone.align, zone.valign)
        ink, backdrop, scrim = tz.scrim_ink(
            canvas, kit, placed.ink, zone, placed.fitted.size, _floor(forced)
        )
    tz.draw_lines(canvas, placed, ink)
    return tz.finish_record(record, placed, ink, backdrop, scrim)


def _floor(forced: bool) -> float:
    return REPAIR_SCRIM_OPACITY if forced else 0.0


def _draw_cta(
    canvas: Image.Image, kit: BrandKit, zone: TextZone, raw: str, forced: bool = False
) -> dict:
    """The call to action on an accent-coloured pill, the pill as tall as the zone."""
    text, capped = tz.clean(raw, tz.TEXT_LIMITS["cta"])
    record = tz.zone_record(zone, kit, text, capped)
    pad_x, pad_y = round(zone.height * 0.45), round(zone.height * 0.16)
    inner = Box(
        x=zone.x + pad_x,
        y=zone.y + pad_y,
        width=max(1, zone.width - 2 * pad_x),
        height=max(1, zone.height - 2 * pad_y),
    )
    fitted = tz.fit_zone(zone, kit, text, inner, 1) if text else None
    if fitted is None:
        return tz.not_fitted(record, zone, text)
    width = min(zone.width, max(fitted.width + 2 * pad_x, round(zone.height * 2.5)))
    left = {"left": zone.x, "right": zone.right - width}.get(
        zone.align, zone.x + (zone.width - width) // 2
    )
    pill = Box(x=left, y=zone.y, width=width, height=zone.height)
    _draw_pill(canvas, kit, pill)
    text_box = Box(x=pill.x + pad_x, y=inner.y, width=pill.width - 2 * pad_x, height=inner.height)
    placed = tz.place(fitted, text_box, "center", "middle")
    ink, backdrop = tz.plain_ink(canvas, kit, placed.ink)
    scrim = None
    if ink.worst_contrast < WCAG_AA or forced:  # only if the pill is not one flat colour
        ink, backdrop, scrim = tz.scrim_ink(
            canvas, kit, placed.ink, pill, fitted.size, _floor(forced)
        )
    tz.draw_lines(canvas, placed, ink)
    record = tz.finish_record(record, placed, ink, backdrop, scrim)
    return {**record, "pill": pill.as_dict(), "pill_color": kit.accent_color.hex}


def _draw_pill(canvas: Image.Image, kit: BrandKit, pill: Box) -> None:
    """The accent pill; with an inner ring when the accent barely differs from its backdrop."""
    radius = pill.height // 2
    accent = kit.accent_color.rgb
    backdrop = measure(canvas, pill)
    if backdrop.mean_contrast(float(luminance(np.array(accent)))) < PILL_MIN_CONTRAST:
        ring = pick_ink([(c.hex, c.rgb) for c in kit.palette], backdrop)
        width = max(2, round(pill.height * 0.05))
        fill_rounded(canvas, pill, ring.rgb, radius)
        pill = Box(
            x=pill.x + width,
            y=pill.y + width,
            width=pill.width - 2 * width,
            height=pill.height - 2 * width,
        )
        radius -= width
    fill_rounded(canvas, pill, accent, radius)


def _draw_plate(canvas: Image.Image, kit: BrandKit, logo: Image.Image, zone: Box) -> dict:
    """A flat plate behind the logo zone, in the palette colour farthest in luminance from
    the logo's own: whatever the background does there, the logo's surround is calm."""
    alpha = np.asarray(logo.getchannel("A"), dtype=np.float64) / 255
    pixels = np.asarray(logo.convert("RGB"), dtype=np.float64)
    mark = float(luminance((pixels * alpha[..., None]).sum((0, 1)) / max(alpha.sum(), 1.0)))
    color = max(kit.palette, key=lambda c: abs(float(luminance(np.array(c.rgb))) - mark))
    margin = round(min(zone.width, zone.height) * PLATE_MARGIN)
    left, top = max(0, zone.x - margin), max(0, zone.y - margin)
    right = min(canvas.width, zone.right + margin)
    bottom = min(canvas.height, zone.bottom + margin)
    plate = Box(x=left, y=top, width=right - left, height=bottom - top)
    fill_rounded(canvas, plate, color.rgb, margin // 2)
    return {"box": plate.as_dict(), "color": color.hex}


def render_template(
    background: Image.Image,
    kit: BrandKit,
    template: TemplateSpec,
    texts: Mapping[str, str],
    repairs: RenderRepairs = NO_REPAIRS,
) -> RenderResult:
    """Compose ``background`` (cover-cropped), the logo and ``texts`` (by zone name);
    ``repairs``: what a repair attempt changes (assets/compliance/repairs.py)."""
    canvas = Image.new("RGB", (template.width, template.height), kit.primary_color.rgb)
    zone = template.background_zone
    canvas.paste(
        cover(flatten(background, kit.primary_color.rgb), zone.width, zone.height), (zone.x, zone.y)
    )
    warnings = list(kit.warnings) + list(template.warnings)

    logo = None
    logo_zone = template.image_zone("logo")
    if logo_zone is not None and kit.logo is not None:
        plate = (
            _draw_plate(canvas, kit, kit.logo.image(), logo_zone) if repairs.logo_plate else None
        )
        box = place_logo(canvas, kit.logo.image(), logo_zone, logo_zone.fit)
        logo = {
            "zone": logo_zone.as_dict(),
            "box": box.as_dict(),
            "source": kit.logo.source,
            "reference": kit.logo.reference,
        }
        if plate is not None:
            logo["plate"] = plate
    elif logo_zone is not None:
        warnings.append("the brand has no logo: the logo zone is left empty")

    zones = {}
    for text_zone in template.text_zones:
        draw = _draw_cta if text_zone.name == "cta" else _draw_text_zone
        zones[text_zone.name] = draw(
            canvas,
            kit,
            text_zone,
            texts.get(text_zone.name) or "",
            text_zone.name in repairs.scrim_zones,
        )
        if zones[text_zone.name].get("truncated"):
            warnings.append(f"{text_zone.name}: text truncated to fit its zone")
        if zones[text_zone.name].get("too_small"):
            warnings.append(f"{text_zone.name}: {zones[text_zone.name]['reason']}")

    metadata = {
        "canvas": {"width": template.width, "height": template.height},
        "template": {
            "id": template.id,
            "name": template.name,
            "platform": template.platform,
            "placement": template.placement,
        },
        "brand": {"id": kit.id, "name": kit.name},
        "background_zone": zone.as_dict(),
        "safe_area": template.safe_area.model_dump(),
        "safe_box": template.safe_box.as_dict(),
        "overlays": [box.as_dict() for box in template.overlay_boxes],
        "text_zones": zones,
        "logo": logo,
        "fonts_used": sorted({z["font_file"] for z in zones.values() if z["drawn"]}),
        "font_fallback": kit.font_fallback,
        "palette": [color.hex for color in kit.palette],
        "warnings": warnings,
    }
    return RenderResult(image=canvas, metadata=metadata)
