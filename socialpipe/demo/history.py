"""Generated images of the completed and approved requests.

One primary image per request and target platform, rendered at the
platform's primary placement size and scored by the compliance stage's own
``score()`` against the brand's kit: the row's score, status and rule table are
one stored result (compliance_details), so they cannot disagree.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from uuid import UUID

from PIL import Image
from sqlalchemy import Connection

from core.placements import Placement, primary_placement
from resources.sql_files import sql
from socialpipe.demo import usage_model
from socialpipe.demo.brand_images import render_logo
from socialpipe.demo.brand_kit import brand_asset_rows, store_brand_artwork
from socialpipe.demo.brands import DemoBrand
from socialpipe.demo.content_images import ON_BRAND, Drift, render_post
from socialpipe.demo.db import as_json, insert_rows
from socialpipe.demo.ids import demo_id, rng_for
from socialpipe.demo.media import StoredImage, store_image
from socialpipe.demo.requests import DemoRequest, request_template
from socialpipe.demo.tenants import brand_id, brand_profile_row, organization_id


@dataclass(frozen=True)
class DemoAsset:
    id: UUID
    request: DemoRequest
    platform: str
    placement: Placement
    image: StoredImage
    provider: str  # local | freepik
    compliance: dict  # ComplianceResult.as_dict() of the real scorer: the whole verdict

    @property
    def compliance_score(self) -> float:
        return self.compliance["score"]

    @property
    def validation_status(self) -> str:
        return self.compliance["status"]


@cache
def _logo(brand: DemoBrand) -> Image.Image:
    # drawn only when an image is actually rendered, and once per brand
    return render_logo(brand)


def brand_kit(media_dir: Path, brand: DemoBrand, anchor: date):
    """The brand's kit as the compliance stage loads it: its profile row and artwork rows."""
    # here, not at the top: the brand kit and compliance packages pull the image stack
    from assets.brand_kits import load_brand_kit

    stored = store_brand_artwork(media_dir, brand)
    return load_brand_kit(
        brand_profile_row(brand, stored["logo"].url, anchor),
        brand_asset_rows(brand, stored, anchor),
        lambda key: (media_dir / key).read_bytes(),
    )


def _scored(media_dir: Path, image: StoredImage, kit, placement: Placement, when) -> dict:
    from assets.compliance.scorer import score

    # no render metadata: these images were not drawn by the template renderer, so the
    # text rules are not measured and the logo is searched for over the whole image
    details = score(media_dir / image.key, kit, placement).as_dict()
    return {**details, "scored_at": when.isoformat(), "run_id": None}


def render_assets(
    media_dir: Path,
    requests: list[DemoRequest],
    anchor: date,
    drift_of: Callable[[DemoRequest], Drift] = lambda request: ON_BRAND,
) -> list[DemoAsset]:
    """Render (or reuse) and score the image of every history request and platform;
    ``drift_of`` says how a request's image strays from its brand (the archive's do)."""
    assets = []
    kits: dict[str, object] = {}
    for request in (r for r in requests if r.has_history):
        brand = request.brand
        if brand.key not in kits:
            kits[brand.key] = brand_kit(media_dir, brand, anchor)
        for platform in request.platforms:
            placement = primary_placement(platform)
            asset_id = history_asset_id(request, platform)
            key = f"{organization_id(request.organization)}/generated/{request.id}/{platform}.jpg"
            idea, drift = request.idea, drift_of(request)
            image = store_image(
                media_dir,
                key,
                (placement.width, placement.height),
                lambda placement=placement, idea=idea, brand=brand, drift=drift: render_post(
                    brand,
                    placement,
                    idea.title,
                    " · ".join(idea.keywords),
                    idea.cta,
                    _logo(brand),
                    drift,
                ),
                "JPEG",
                quality=88,
                optimize=True,
            )
            # requests finished in the first half of the window used Freepik (see api_usage)
            used_freepik = usage_model.used_freepik(anchor, request.completed_at.date())
            provider = "freepik" if used_freepik else "local"
            created = request.completed_at - timedelta(seconds=30)
            verdict = _scored(media_dir, image, kits[brand.key], placement, created)
            assets.append(
                DemoAsset(asset_id, request, platform, placement, image, provider, verdict)
            )
    return assets


def history_asset_id(request: DemoRequest, platform: str) -> UUID:
    return demo_id("generated-asset", request.id, platform, "primary")


def generated_asset_row(asset: DemoAsset) -> dict[str, object]:
    request = asset.request
    task_id = str(demo_id("freepik-task", asset.id)) if asset.provider == "freepik" else None
    return {
        "id": asset.id,
        "content_request_id": request.id,
        "brand_profile_id": brand_id(request.brand),
        "organization_id": organization_id(request.organization),
        "asset_name": f"{request.idea.title} — {asset.platform}",
        "asset_type": "composite",
        "platform": asset.platform,
        "file_path": asset.image.key,
        "file_url": asset.image.url,
        "file_size_bytes": asset.image.size_bytes,
        "dimensions": as_json({**asset.image.dimensions, "format": "jpeg"}),
        "freepik_image_id": task_id,
        "freepik_image_kind": "task" if task_id else None,
        "generation_parameters": as_json(
            {
                "provider": asset.provider,
                "model": "mystic" if task_id else "pillow",
                "seed": int(asset.id.int % 2**31),
                "placement": asset.placement.key,
                "template_id": str(request_template(request)),
            }
        ),
        "compliance_score": asset.compliance_score,
        "compliance_details": as_json(asset.compliance),
        "validation_status": asset.validation_status,
        "download_count": int(rng_for(f"downloads/{asset.id}").integers(0, 15)),
        "usage_count": 1 if request.status == "completed" else 0,
        "created_at": request.completed_at - timedelta(seconds=30),
    }


def insert_generated_assets(conn: Connection, assets: list[DemoAsset]) -> None:
    rows = [generated_asset_row(asset) for asset in assets]
    insert_rows(conn, sql("demo/insert_generated_asset"), rows)
