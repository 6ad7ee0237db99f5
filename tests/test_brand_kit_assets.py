"""brand_profiles, brand_assets and content_templates: the kits validated, in metadata."""

import uuid

from dagster import materialize
from sqlalchemy import text

from assets.brand_kits.definitions import brand_assets, brand_profiles, content_templates
from resources.database import DatabaseResource
from resources.image_store import ImageStoreResource


def _materialize(world):
    result = materialize(
        [brand_profiles, brand_assets, content_templates],
        resources={
            "database": DatabaseResource(url=world.url),
            "image_store": ImageStoreResource(root=str(world.media)),
        },
    )
    assert result.success
    return {
        node: {
            k: v.value for k, v in result.asset_materializations_for_node(node)[0].metadata.items()
        }
        for node in ("brand_profiles", "brand_assets", "content_templates")
    }


def test_demo_kits_are_valid_and_a_broken_one_is_reported_with_its_reason(demo_world):
    with demo_world.engine.begin() as conn:
        org = conn.execute(text("select id from organizations order by slug limit 1")).scalar_one()
        name = f"Broken {uuid.uuid4().hex[:6]}"
        conn.execute(
            text(
                "insert into brand_profiles (organization_id, name, color_palette) "
                "values (:org, :name, '[]')"
            ),
            {"org": org, "name": name},
        )

    metadata = _materialize(demo_world)
    profiles = metadata["brand_profiles"]
    assert profiles["valid"] >= 3 and profiles["invalid"] >= 1
    assert name in profiles["invalid_details"] and "color_palette" in profiles["invalid_details"]
    assert metadata["brand_assets"]["valid"] >= 9
    assert metadata["content_templates"]["valid"] >= 36
