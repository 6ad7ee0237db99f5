"""generated_assets with the local provider over the demo tenants: rows, files, usage, re-runs."""

from pathlib import Path

import pytest
from sqlalchemy import text

from tests.generation_helpers import (
    asset_rows,
    copy_request,
    decoded_size,
    files_of_request,
    generate,
    metadata_of,
    request_row,
)


@pytest.fixture(scope="module")
def template_request(demo_world):
    """A demo request to copy: submitted, several platforms, two candidates each."""
    with demo_world.engine.connect() as conn:
        return conn.execute(
            text(
                "select id from content_requests where status = 'submitted' "
                "and cardinality(target_platforms) >= 2 "
                "and (style_preferences ->> 'num_images')::int = 2 order by id limit 1"
            )
        ).scalar_one()


def test_a_request_gets_one_image_per_platform_and_candidate(demo_world, template_request):
    request_id = copy_request(demo_world.engine, template_request)
    result = generate(demo_world, [request_id])
    assert result.success

    request = request_row(demo_world.engine, request_id)
    assert request["status"] == "generated"
    assert request["processing_started_at"] <= request["processing_completed_at"]
    rows = asset_rows(demo_world.engine, request_id)
    platforms = request["target_platforms"]
    assert {(r["platform"], r["variant_type"]) for r in rows} == {
        (p, v) for p in platforms for v in ("primary", "alternate_1")
    }
    for row in rows:
        path = demo_world.media / row["file_path"]
        assert decoded_size(path) == (row["dimensions"]["width"], row["dimensions"]["height"])
        assert row["file_size_bytes"] == path.stat().st_size
        assert row["file_url"] == f"file://{path}"
        assert row["validation_status"] == "pending"
        assert row["generation_parameters"]["provider"] == "local"
        assert row["freepik_image_id"] is None

    with demo_world.engine.connect() as conn:
        usage = conn.execute(
            text(
                "select api_provider, response_status, images_generated, cost_per_request "
                "from api_usage where content_request_id = :id"
            ),
            {"id": request_id},
        ).all()
    assert len(usage) == len(platforms)  # one render call per platform
    assert all(u.api_provider == "local" and u.response_status == 200 for u in usage)
    assert sum(u.images_generated for u in usage) == len(rows)
    assert sum(u.cost_per_request for u in usage) == 0

    metadata = metadata_of(result)
    assert metadata["generated"] == 1 and metadata["images"] == len(rows)
    assert decoded_size(Path(metadata["contact_sheet"]))[0] > 0


def test_rerunning_replaces_in_place_without_duplicates_or_orphans(demo_world, template_request):
    request_id = copy_request(demo_world.engine, template_request)
    assert generate(demo_world, [request_id]).success
    first = asset_rows(demo_world.engine, request_id)

    # a second process without force leaves a generated request alone
    assert metadata_of(generate(demo_world, [request_id]))["skipped"] == 1
    assert asset_rows(demo_world.engine, request_id) == first

    # fewer candidates and a forced re-run: same ids for what remains, the rest removed
    with demo_world.engine.begin() as conn:
        conn.execute(
            text(
                "update content_requests set style_preferences = style_preferences "
                '|| \'{"num_images": 1, "mood": "calm"}\' where id = :id'
            ),
            {"id": request_id},
        )
    assert generate(demo_world, [request_id], force=True).success
    second = asset_rows(demo_world.engine, request_id)
    assert {r["variant_type"] for r in second} == {"primary"}
    assert {r["id"] for r in second} <= {r["id"] for r in first}
    request = request_row(demo_world.engine, request_id)
    assert files_of_request(demo_world.media, request) == {r["file_path"] for r in second}


def test_the_same_seed_reproduces_the_same_image(demo_world, template_request):
    a = copy_request(demo_world.engine, template_request)
    assert generate(demo_world, [a]).success
    before = {
        r["platform"]: r["file_path"].rsplit("-", 1)[1] for r in asset_rows(demo_world.engine, a)
    }
    assert generate(demo_world, [a], force=True).success
    after = {
        r["platform"]: r["file_path"].rsplit("-", 1)[1] for r in asset_rows(demo_world.engine, a)
    }
    assert before == after  # content hashes in the keys are equal


def test_masters_are_lossless_in_a_format_their_platform_takes(demo_world, template_request):
    from PIL import Image

    from core.placements import primary_placement

    request_id = copy_request(
        demo_world.engine,
        template_request,
        new_id="7b0c1f0e-6a43-5d1e-9a51-3c2f4c1d7e01",
        target_platforms=["tiktok", "instagram"],
    )
    assert generate(demo_world, [request_id]).success

    formats = {}
    for row in asset_rows(demo_world.engine, request_id):
        path = demo_world.media / row["file_path"]
        with Image.open(path) as image:
            formats[row["platform"]] = image.format
        if image.format == "WEBP":
            # a lossless WebP is a VP8L bitstream (lossy ones are VP8)
            assert path.read_bytes()[12:16] == b"VP8L", row["file_path"]
        accepted = primary_placement(row["platform"]).formats
        assert formats[row["platform"]].lower() in accepted, (row["platform"], accepted)
        assert row["file_path"].endswith({"PNG": ".png", "WEBP": ".webp"}[image.format])
    # TikTok takes no PNG: its master is WebP; Instagram's stays PNG
    assert formats == {"tiktok": "WEBP", "instagram": "PNG"}


def test_a_master_follows_the_configured_placement_formats() -> None:
    from assets.generation.process import master_encoding
    from core.placements import all_placements, with_overrides

    shipped = all_placements()
    jpeg_only = with_overrides({"tiktok.photo": {"formats": ["jpeg"]}})

    assert master_encoding("tiktok.photo", "tiktok", shipped)[0] == "WEBP"
    # an override (system_settings) is what compliance judges by, so the master obeys it
    assert master_encoding("tiktok.photo", "tiktok", jpeg_only)[0] == "JPEG"
    # a template that names no placement: the platform's primary one decides
    assert master_encoding(None, "tiktok", shipped)[0] == "WEBP"
    assert master_encoding(None, "instagram", shipped)[0] == "PNG"
