"""asset_variants over the demo tenants: rows, files, checks, re-runs, skips and failures."""

import io
import json
from pathlib import Path

import pytest
from dagster import materialize
from PIL import Image
from sqlalchemy import text

from assets.variants.definitions import VARIANT_CHECKS, asset_variants
from core.placements import placements_for
from resources.database import DatabaseResource
from resources.image_store import ImageStoreResource
from resources.sql_files import sql
from tests.generation_helpers import asset_rows, copy_request, first_request, generate

PLATFORMS = ["instagram", "x"]


def render(world, request_ids, **config):
    return materialize(
        [asset_variants, *VARIANT_CHECKS],
        resources={
            "database": DatabaseResource(url=world.url),
            "image_store": ImageStoreResource(root=str(world.media)),
        },
        run_config={
            "ops": {
                "asset_variants": {
                    "config": {"request_ids": [str(i) for i in request_ids], "workers": 1, **config}
                }
            }
        },
        raise_on_error=False,
    )


def metadata_of(result) -> dict:
    (materialization,) = result.asset_materializations_for_node("asset_variants")
    return {key: value.value for key, value in materialization.metadata.items()}


def checks_of(result) -> dict[str, bool]:
    return {e.check_name: e.passed for e in result.get_asset_check_evaluations()}


def variant_rows(engine, request_id) -> list[dict]:
    with engine.connect() as conn:
        return [
            dict(row)
            for row in conn.execute(
                text(
                    "select v.*, g.platform as parent_platform from asset_variants v "
                    "join generated_assets g on g.id = v.parent_asset_id "
                    "where g.content_request_id = :id order by v.parent_asset_id, v.placement, "
                    "v.format_type"
                ),
                {"id": request_id},
            ).mappings()
        ]


def variant_files(media: Path, asset_ids) -> set[str]:
    found = set()
    for path in media.glob("*/variants/*/*"):
        if path.parent.name in {str(i) for i in asset_ids}:
            found.add(str(path.relative_to(media)))
    return found


def set_status(engine, request_id, status, platform=None) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                # a score that agrees with the verdict, as compliance would write it
                "update generated_assets set validation_status = cast(:status as text), "
                "compliance_score = case cast(:status as text) when 'pending' then null "
                "when 'rejected' then 20 else 95 end "
                "where content_request_id = :id "
                "and (cast(:platform as text) is null or platform = :platform)"
            ),
            {"status": status, "id": request_id, "platform": platform},
        )


@pytest.fixture(scope="module")
def request_id(demo_world):
    """A fresh demo request for two platforms, one candidate each, generated and 'passed'."""
    new_id = copy_request(
        demo_world.engine,
        first_request(demo_world.engine, submitted=True),
        target_platforms=PLATFORMS,
        style_preferences={"num_images": 1},
    )
    assert generate(demo_world, [new_id]).success
    set_status(demo_world.engine, new_id, "passed")  # compliance is another stage's job
    return new_id


def test_every_placement_gets_a_jpeg_and_a_webp_row(demo_world, request_id) -> None:
    # forced: whatever another test of the module rendered last (a content-aware crop
    # without the template, say) is rendered again from the template as it is now
    result = render(demo_world, [request_id], force=True)
    assert result.success
    checks = checks_of(result)
    assert checks.pop("variants_fill_share") in (True, False)
    assert checks == {
        "variants_have_exact_dimensions": True,
        "variants_fit_byte_limits": True,
        "variants_quality_score": True,
    }
    rows = variant_rows(demo_world.engine, request_id)
    # the fill check fails only where a variant is more fill than the default maximum
    shares = [row["optimization_applied"]["fill_share"] for row in rows]
    assert checks_of(result)["variants_fill_share"] == all(share <= 0.65 for share in shares)
    row_template = {
        a["id"]: a["generation_parameters"]["template_id"]
        for a in asset_rows(demo_world.engine, request_id)
    }
    expected = {
        (p.platform, p.placement, f)
        for name in PLATFORMS
        for p in placements_for(name)
        for f in ("jpeg", "webp")
    }
    assert {(r["platform"], r["placement"], r["format_type"]) for r in rows} == expected
    assert len(rows) == len(expected)
    for row in rows:
        path = demo_world.media / row["file_path"]
        with Image.open(io.BytesIO(path.read_bytes())) as image:
            assert image.size == (row["dimensions"]["width"], row["dimensions"]["height"])
        assert row["file_size_bytes"] == path.stat().st_size
        assert row["file_url"] == f"file://{path}"
        assert float(row["quality_score"]) >= 0.9
        w, h = row["dimensions"]["width"], row["dimensions"]["height"]
        a, b = (int(x) for x in row["aspect_ratio"].split(":"))
        assert a * h == b * w
        applied = row["optimization_applied"]
        assert applied["quality"] and applied["encode_passes"] >= 1 and applied["run_id"]
        assert set(applied["crop"]["zones_kept"]) == {"headline", "body", "cta", "logo"}
        assert row["compression_level"] == f"q{applied['quality']}"
        template_id = row_template[row["parent_asset_id"]]
        assert applied["zones_from"] == f"template {template_id}"
    metadata = metadata_of(result)
    assert metadata["renditions"] == len(rows) and metadata["assets_rendered"] == 2
    assert metadata["bytes"] == sum(r["file_size_bytes"] for r in rows)
    assert 0.9 <= metadata["mean_ssim"] <= 1
    assert "| instagram.story |" in metadata["preview"]
    assert Path(metadata["contact_sheet"]).is_file()


def test_rerunning_replaces_variants_without_duplicates_or_orphans(demo_world, request_id):
    render(demo_world, [request_id])
    first = variant_rows(demo_world.engine, request_id)
    assets = {r["parent_asset_id"] for r in first}

    # nothing changed: the variants are up to date and left alone
    again = render(demo_world, [request_id])
    assert metadata_of(again)["assets_skipped"] == 2
    assert variant_rows(demo_world.engine, request_id) == first

    # a tighter byte limit for stories: forced re-run, new files, the old ones gone
    story_jpeg = next(r for r in first if (r["placement"], r["format_type"]) == ("story", "jpeg"))
    limit = int(0.75 * story_jpeg["file_size_bytes"])
    with demo_world.engine.begin() as conn:
        conn.execute(
            text(
                "insert into system_settings (category, setting_key, setting_value) "
                "values ('placements', 'instagram.story', cast(:value as jsonb))"
            ),
            {"value": f'{{"max_bytes": {limit}}}'},
        )
    try:
        result = render(demo_world, [request_id], force=True)
    finally:
        with demo_world.engine.begin() as conn:
            conn.execute(text("delete from system_settings where category = 'placements'"))
    assert result.success and all(checks_of(result).values())
    assert metadata_of(result)["assets_rendered"] == 2
    second = variant_rows(demo_world.engine, request_id)
    assert len(second) == len(first)
    assert len({(r["parent_asset_id"], r["placement"], r["format_type"]) for r in second}) == len(
        second
    )
    stories = [r for r in second if r["placement"] == "story"]
    assert all(r["file_size_bytes"] <= limit for r in stories)
    assert story_jpeg["file_path"] not in {r["file_path"] for r in second}
    assert variant_files(demo_world.media, assets) == {r["file_path"] for r in second}


def test_pending_and_rejected_assets_are_skipped(demo_world, request_id) -> None:
    before = variant_rows(demo_world.engine, request_id)
    set_status(demo_world.engine, request_id, "rejected", platform="instagram")
    set_status(demo_world.engine, request_id, "pending", platform="x")
    try:
        result = render(demo_world, [request_id], force=True)
    finally:
        set_status(demo_world.engine, request_id, "passed")
    metadata = metadata_of(result)
    assert metadata["assets_skipped"] == 2 and metadata["renditions"] == 0
    assert "rejected by compliance" in metadata["not_rendered"]
    assert "not scored by compliance yet" in metadata["not_rendered"]
    assert variant_rows(demo_world.engine, request_id) == before


def test_a_broken_master_fails_that_asset_alone(demo_world, request_id) -> None:
    # the variants the broken asset must keep: rendered here, not left by another test
    assert render(demo_world, [request_id], force=True).success
    before = variant_rows(demo_world.engine, request_id)
    assert before
    x_asset = next(r for r in asset_rows(demo_world.engine, request_id) if r["platform"] == "x")
    master = demo_world.media / x_asset["file_path"]
    original = master.read_bytes()
    master.write_bytes(original[: len(original) // 3])  # truncated
    try:
        result = render(demo_world, [request_id], force=True)
    finally:
        master.write_bytes(original)
    assert result.success
    metadata = metadata_of(result)
    assert (metadata["assets_rendered"], metadata["assets_failed"]) == (1, 1)
    assert "corrupt or truncated PNG" in metadata["not_rendered"]
    after = variant_rows(demo_world.engine, request_id)
    # the broken asset keeps its previous variants; the other one was re-rendered
    kept = [r for r in after if r["parent_asset_id"] == x_asset["id"]]
    assert kept == [r for r in before if r["parent_asset_id"] == x_asset["id"]]
    assert len(after) == len(before)


def test_no_template_means_a_content_aware_crop_and_an_unknown_platform_fails(
    demo_world, request_id
) -> None:
    rows = {r["platform"]: r for r in asset_rows(demo_world.engine, request_id)}
    instagram, x = rows["instagram"], rows["x"]
    with demo_world.engine.begin() as conn:
        conn.execute(
            text(
                "update generated_assets set generation_parameters = generation_parameters "
                '|| \'{"template_id": "00000000-0000-0000-0000-000000000000"}\' where id = :id'
            ),
            {"id": instagram["id"]},
        )
        conn.execute(
            text("update generated_assets set platform = 'snapchat' where id = :id"),
            {"id": x["id"]},
        )
    try:
        result = render(demo_world, [request_id], force=True)
    finally:
        with demo_world.engine.begin() as conn:
            conn.execute(
                text(
                    "update generated_assets set generation_parameters = :params, "
                    "platform = :platform where id = :id"
                ),
                [
                    {
                        "id": r["id"],
                        "platform": r["platform"],
                        "params": json.dumps(r["generation_parameters"]),
                    }
                    for r in (instagram, x)
                ],
            )
    metadata = metadata_of(result)
    assert (metadata["assets_rendered"], metadata["assets_failed"]) == (1, 1)
    assert "unknown platform 'snapchat'" in metadata["not_rendered"]
    crops = {
        r["optimization_applied"]["crop"]["strategy"]
        for r in variant_rows(demo_world.engine, request_id)
        if r["parent_asset_id"] == instagram["id"]
    }
    assert crops == {"attention"}
    zones_from = {
        r["optimization_applied"]["zones_from"]
        for r in variant_rows(demo_world.engine, request_id)
        if r["parent_asset_id"] == instagram["id"]
    }
    assert zones_from == {
        "none, content-aware crop (template '00000000-0000-0000-0000-000000000000': "
        "template: not found)"
    }


def test_without_ids_a_run_picks_the_assets_whose_variants_are_missing_or_stale(
    demo_world, request_id
) -> None:
    render(demo_world, [request_id], force=True)
    ids = {r["id"] for r in asset_rows(demo_world.engine, request_id)}
    with demo_world.engine.connect() as conn:

        def picked() -> set:
            rows = conn.execute(sql("variants/candidates"), {"request_ids": [], "asset_ids": []})
            return {row.id for row in rows}

        assert not ids & picked()  # just rendered: up to date
        # regenerating an image moves its created_at past its variants'
        conn.execute(
            text(
                "update generated_assets set created_at = now() + interval '1 second' "
                "where id = any(:ids)"
            ),
            {"ids": list(ids)},
        )
        assert ids <= picked()
        conn.rollback()
