"""Generated images of the completed and approved requests.

One primary image per request and target platform, rendered at the
platform's primary placement size and scored as the compliance stage would.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from uuid import UUID

from PIL import Image
from sqlalchemy import Connection

from assets.placements import Placement, primary_placement
from pipeline_defs.demo_data import usage_model
from pipeline_defs.demo_data.brand_images import render_logo
from pipeline_defs.demo_data.brands import DemoBrand
from pipeline_defs.demo_data.content_images import render_post
from pipeline_defs.demo_data.db import as_json, insert_rows
from pipeline_defs.demo_data.ids import demo_id, rng_for
from pipeline_defs.demo_data.media import StoredImage, store_image
from pipeline_defs.demo_data.requests import DemoRequest, request_template
from pipeline_defs.demo_data.tenants import brand_id, organization_id


@dataclass(frozen=True)
class DemoAsset:
    id: UUID
    request: DemoRequest
    platform: str
    placement: Placement
    image: StoredImage
    provider: str  # local | freepik
    compliance_score: float

    @property
    def validation_status(self) -> str:
        """What the compliance stage decides (assets/compliance/results.py): passed when
        every rule passed and the score reaches the brand's minimum, otherwise what the
        brand's enforcement level makes of a failure (lenient: passed_with_warnings)."""
        # here, not at the top: the compliance package pulls numpy and the image stack
        from assets.compliance.results import ON_FAILURE

        rules = _compliance_details(self)["rules"]
        brand = self.request.brand
        if all(rule["passed"] for rule in rules) and (
            self.compliance_score >= brand.minimum_compliance_score
        ):
            return "passed"
        return ON_FAILURE.get(brand.enforcement_level, "needs_review")


@cache
def _logo(brand: DemoBrand) -> Image.Image:
    # drawn only when an image is actually rendered, and once per brand
    return render_logo(brand)


def render_assets(media_dir: Path, requests: list[DemoRequest], anchor: date) -> list[DemoAsset]:
    """Render (or reuse) the image of every history request and platform."""
    assets = []
    for request in (r for r in requests if r.has_history):
        for platform in request.platforms:
            placement = primary_placement(platform)
            asset_id = history_asset_id(request, platform)
            key = f"{organization_id(request.organization)}/generated/{request.id}/{platform}.jpg"
            idea = request.idea
            image = store_image(
                media_dir,
                key,
                (placement.width, placement.height),
                lambda placement=placement, idea=idea, brand=request.brand: render_post(
                    brand, placement, idea.title, " · ".join(idea.keywords), idea.cta, _logo(brand)
                ),
                "JPEG",
                quality=88,
                optimize=True,
            )
            # requests finished in the first half of the window used Freepik (see api_usage)
            used_freepik = usage_model.used_freepik(anchor, request.completed_at.date())
            provider = "freepik" if used_freepik else "local"
            score = demo_score(asset_id)
            assets.append(DemoAsset(asset_id, request, platform, placement, image, provider, score))
    return assets


def history_asset_id(request: DemoRequest, platform: str) -> UUID:
    return demo_id("generated-asset", request.id, platform, "primary")


def demo_score(asset_id: UUID) -> float:
    """The compliance score of a history image (60 to 99.5, mostly around 88)."""
    rng = rng_for(f"asset/{asset_id}")
    return round(float(min(99.5, max(60.0, rng.normal(88, 6)))), 2)


def _compliance_details(asset: DemoAsset) -> dict:
    rng = rng_for(f"compliance/{asset.id}")
    palette_share = round(min(1.0, asset.compliance_score / 100 + float(rng.normal(0, 0.03))), 3)
    contrast = round(float(rng.uniform(4.8, 11.0)), 2)

    def rule(name: str, value: object, threshold: object, weight: float, passed: bool) -> dict:
        return {
            "rule": name,
            "value": value,
            "threshold": threshold,
            "weight": weight,
            "passed": passed,
        }

    return {
        "enforcement_level": asset.request.brand.enforcement_level,
        "minimum_compliance_score": asset.request.brand.minimum_compliance_score,
        "rules": [
            rule("palette_adherence", palette_share, 0.8, 0.3, palette_share >= 0.8),
            rule("logo_present", True, True, 0.2, True),
            rule("text_contrast", contrast, 4.5, 0.2, contrast >= 4.5),
            rule("platform_fit", asset.image.dimensions, asset.image.dimensions, 0.15, True),
            rule("safe_zones", True, True, 0.1, True),
            rule(
                "fonts",
                asset.request.brand.primary_font,
                asset.request.brand.primary_font,
                0.05,
                True,
            ),
        ],
    }


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
        "compliance_details": as_json(_compliance_details(asset)),
        "validation_status": asset.validation_status,
        "download_count": int(rng_for(f"downloads/{asset.id}").integers(0, 15)),
        "usage_count": 1 if request.status == "completed" else 0,
        "created_at": request.completed_at - timedelta(seconds=30),
    }


def insert_generated_assets(conn: Connection, assets: list[DemoAsset]) -> None:
    insert_rows(
        conn,
        """
        insert into generated_assets (
          id, content_request_id, brand_profile_id, organization_id, asset_name, asset_type,
          platform, variant_type, file_path, file_url, file_size_bytes, dimensions,
          freepik_image_id, freepik_image_kind, generation_parameters, compliance_score,
          compliance_details, validation_status, download_count, usage_count, created_at
        ) values (
          :id, :content_request_id, :brand_profile_id, :organization_id, :asset_name, :asset_type,
          :platform, 'primary', :file_path, :file_url, :file_size_bytes, cast(:dimensions as jsonb),
          :freepik_image_id, :freepik_image_kind, cast(:generation_parameters as jsonb),
          :compliance_score, cast(:compliance_details as jsonb), :validation_status,
          :download_count, :usage_count, :created_at
        )
        on conflict (id) do nothing
    """,
        [generated_asset_row(asset) for asset in assets],
    )
