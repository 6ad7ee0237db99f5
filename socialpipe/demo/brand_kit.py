"""Brand artwork files and their brand_assets rows.

Files live under ``<organization_id>/brand/<brand_id>/`` in the media store, so
a tenant's files can be listed, copied or deleted with one prefix.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Connection

from resources.sql_files import sql
from socialpipe.demo import brand_images
from socialpipe.demo.brands import DemoBrand
from socialpipe.demo.db import as_json, insert_rows
from socialpipe.demo.ids import at, demo_id
from socialpipe.demo.media import StoredImage, store_image
from socialpipe.demo.tenants import brand_id, organization_id, user_id


@dataclass(frozen=True)
class BrandArtwork:
    """One piece of brand artwork: how to draw it and how to describe it."""

    name: str
    asset_type: str  # brand_assets.asset_type
    filename: str
    size: int
    usage_context: tuple[str, ...]
    tags: tuple[str, ...]


ARTWORK: tuple[BrandArtwork, ...] = (
    BrandArtwork(
        "Primary logo",
        "logo",
        "logo.png",
        brand_images.LOGO_SIZE,
        ("social_posts", "stories", "ads", "thumbnails"),
        ("logo", "primary"),
    ),
    BrandArtwork(
        "App icon",
        "icon",
        "icon.png",
        brand_images.ICON_SIZE,
        ("avatars", "favicons"),
        ("icon", "mark"),
    ),
    BrandArtwork(
        "Background pattern",
        "pattern",
        "pattern.png",
        brand_images.PATTERN_SIZE,
        ("backgrounds", "stories"),
        ("pattern", "background"),
    ),
)

_RENDERERS = {
    "logo": brand_images.render_logo,
    "icon": brand_images.render_icon,
    "pattern": brand_images.render_pattern,
}


def store_key(brand: DemoBrand, filename: str) -> str:
    return f"{organization_id(brand.organization)}/brand/{brand_id(brand)}/{filename}"


def store_brand_artwork(media_dir: Path, brand: DemoBrand) -> dict[str, StoredImage]:
    """Render (or reuse) every artwork file of ``brand``; keyed by asset_type."""
    stored = {}
    for artwork in ARTWORK:
        render = _RENDERERS[artwork.asset_type]
        stored[artwork.asset_type] = store_image(
            media_dir,
            store_key(brand, artwork.filename),
            (artwork.size, artwork.size),
            lambda render=render: render(brand),
            "PNG",
            optimize=True,
        )
    return stored


def brand_asset_rows(
    brand: DemoBrand, stored: dict[str, StoredImage], anchor: date
) -> list[dict[str, object]]:
    """The brand_assets rows of ``brand``'s stored artwork (jsonb as JSON text)."""
    rows = []
    for index, artwork in enumerate(ARTWORK):
        image = stored[artwork.asset_type]
        rows.append(
            {
                "id": demo_id("brand-asset", brand.key, artwork.asset_type),
                "brand_profile_id": brand_id(brand),
                "organization_id": organization_id(brand.organization),
                "name": f"{brand.name} {artwork.name.lower()}",
                "asset_type": artwork.asset_type,
                "file_path": image.key,
                "file_url": image.url,
                "file_size_bytes": image.size_bytes,
                "dimensions": as_json(image.dimensions),
                "usage_context": list(artwork.usage_context),
                # per-platform renditions are made by the variants stage, not uploaded
                "platform_variants": as_json({}),
                "created_by": user_id(brand.manager),
                "created_at": at(anchor, 108 - index, 15),
                "tags": [*artwork.tags, *brand.tags],
            }
        )
    return rows


def insert_brand_assets(
    conn: Connection, brand: DemoBrand, stored: dict[str, StoredImage], anchor: date
) -> None:
    insert_rows(conn, sql("demo/insert_brand_asset"), brand_asset_rows(brand, stored, anchor))
