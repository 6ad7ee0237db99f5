"""One content template per platform placement per brand (docs/PLACEMENTS.md).

Zones are pixel boxes inside the placement's canvas. Placements with UI overlay
areas (stories and TikTok: bands along the edges, ``safe_area_px``; YouTube: the
duration badge, ``overlays_px``) keep text and logo zones out of them, so the
compliance stage's safe-zone rule passes on template-rendered images. The
background zone is the whole canvas by definition.
"""

from dataclasses import asdict, dataclass
from datetime import date
from math import gcd
from uuid import UUID

from sqlalchemy import Connection

from core.placements import Placement, all_placements
from resources.sql_files import sql
from socialpipe.demo.brands import DemoBrand
from socialpipe.demo.db import as_json, insert_rows
from socialpipe.demo.ids import at, demo_id

PLATFORM_NAMES = {"x": "X", "youtube": "YouTube", "tiktok": "TikTok", "linkedin": "LinkedIn"}


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    width: int
    height: int

    def as_dict(self) -> dict[str, int]:
        return {"x": self.x, "y": self.y, "width": self.width, "height": self.height}


def template_id(brand: DemoBrand, placement: Placement) -> UUID:
    return demo_id("template", brand.key, placement.key)


def template_type_for(placement: Placement) -> str:
    """content_templates.template_type of a placement."""
    if placement.platform == "pinterest":
        return "pin"
    if placement.platform == "youtube":
        return "thumbnail"
    # tall 9:16 canvases (instagram story, tiktok photo) are laid out as stories
    if "story" in placement.placement or placement.height >= 1.7 * placement.width:
        return "story"
    return "post"


def content_area(placement: Placement) -> tuple[Box, int]:
    """The box text and logo may use (canvas minus padding and safe bands), and the padding."""
    padding = round(min(placement.width, placement.height) * 0.06)
    bands = placement.safe_area_px
    top = bands.get("top", 0) + padding
    bottom = placement.height - bands.get("bottom", 0) - padding
    left = bands.get("left", 0) + padding
    right = placement.width - bands.get("right", 0) - padding
    return Box(left, top, right - left, bottom - top), padding


def _zone(name: str, box: Box, font_role: str, max_font_size: int, align: str) -> dict:
    return {
        "name": name,
        **box.as_dict(),
        "font_role": font_role,
        "max_font_size": max_font_size,
        "align": align,
    }


def layout_zones(placement: Placement) -> tuple[list[dict], list[dict]]:
    """Text zones (headline, body, cta) and image zones (logo, background) in pixels."""
    area, _ = content_area(placement)
    x0, y0, w, h = area.x, area.y, area.width, area.height
    if placement.width >= 1.3 * placement.height:
        # landscape: text column on the left, logo in the top-right corner
        side = round(min(w, h) * 0.22)
        logo = Box(x0 + w - side, y0, side, side)
        column = round(w * 0.64)
        headline = Box(x0, y0, column, round(h * 0.40))
        body = Box(x0, y0 + round(h * 0.44), column, round(h * 0.26))
        cta = Box(x0, y0 + h - round(h * 0.20), round(w * 0.36), round(h * 0.20))
        align = "left"
    else:
        # square and portrait: logo top-left, text stacked, call to action centred at the bottom;
        # no smaller than 14 % of the canvas where overlay bands narrow the area (TikTok),
        # or the logo is drawn too small to be matched
        side = max(round(min(w, h) * 0.16), round(min(placement.width, placement.height) * 0.14))
        logo = Box(x0, y0, side, side)
        headline_top = y0 + side + round(h * 0.06)
        headline = Box(x0, headline_top, w, round(h * 0.30))
        body = Box(x0, headline.y + headline.height + round(h * 0.03), w, round(h * 0.20))
        cta_w, cta_h = round(w * 0.6), round(h * 0.09)
        cta = Box(x0 + (w - cta_w) // 2, y0 + h - cta_h, cta_w, cta_h)
        align = "center"
    text_zones = [
        _zone("headline", headline, "primary", round(headline.height / 2.6), align),
        _zone("body", body, "secondary", round(body.height / 4.5), align),
        _zone("cta", cta, "secondary", round(cta.height * 0.45), "center"),
    ]
    image_zones = [
        {"name": "logo", **logo.as_dict(), "fit": "contain"},
        {
            "name": "background",
            "x": 0,
            "y": 0,
            "width": placement.width,
            "height": placement.height,
        },
    ]
    return text_zones, image_zones


def _background_style(brand: DemoBrand, placement: Placement) -> str:
    # thumbnails and pins compete in busy grids: an image background by default
    if placement.platform in ("youtube", "pinterest"):
        return "image"
    return "solid" if brand.enforcement_level == "moderate" else "gradient"


def template_row(
    brand: DemoBrand, brand_id: UUID, placement: Placement, created_by: UUID, anchor: date
) -> dict[str, object]:
    """The content_templates row of ``brand`` for ``placement``."""
    text_zones, image_zones = layout_zones(placement)
    _, padding = content_area(placement)
    divisor = gcd(placement.width, placement.height)
    platform_name = PLATFORM_NAMES.get(placement.platform, placement.platform.title())
    return {
        "id": template_id(brand, placement),
        "brand_profile_id": brand_id,
        "name": f"{brand.name} · {platform_name} {placement.placement.replace('_', ' ')}",
        "template_type": template_type_for(placement),
        "platform": placement.platform,
        "format_specifications": as_json(
            {
                "placement": placement.placement,
                "width": placement.width,
                "height": placement.height,
                "aspect_ratio": f"{placement.width // divisor}:{placement.height // divisor}",
                "formats": list(placement.formats),
                "max_bytes": placement.max_bytes,
            }
        ),
        "layout_config": as_json(
            {
                "background": _background_style(brand, placement),
                "padding": padding,
                "safe_area_px": dict(placement.safe_area_px),
                "overlays_px": [asdict(overlay) for overlay in placement.overlays_px],
            }
        ),
        "text_zones": as_json(text_zones),
        "image_zones": as_json(image_zones),
        "brand_elements": as_json(
            {
                "logo": True,
                "palette_roles": ["primary", "secondary", "accent", "neutral"],
                "fonts": {"primary": brand.primary_font, "secondary": brand.secondary_font},
            }
        ),
        "created_by": created_by,
        "created_at": at(anchor, 105, 10),
    }


def insert_templates(
    conn: Connection, brand: DemoBrand, brand_id: UUID, created_by: UUID, anchor: date
) -> int:
    """Write a template for every placement of every platform; return how many."""
    rows = [template_row(brand, brand_id, p, created_by, anchor) for p in all_placements()]
    insert_rows(conn, sql("demo/upsert_template"), rows)
    return len(rows)
