"""asset_compliance and its blocking check over the demo tenants (local provider images)."""

import io

import pytest
from dagster import AssetKey, asset, materialize
from PIL import Image
from sqlalchemy import text

from assets.compliance.definitions import asset_compliance, no_rejected_assets_pass_through
from resources.database import DatabaseResource
from resources.image_store import ImageStoreResource
from tests.factories import make_variant
from tests.generation_helpers import asset_rows, copy_request, first_request, fixed_id, generate

RULES = [
    "palette_adherence",
    "logo",
    "text_contrast",
    "platform_fit",
    "safe_zones",
    "fonts",
    "text_fit",
]


@asset(deps=[asset_compliance])
def variants_stand_in() -> None:
    """Downstream of compliance, as the variant stage is: must not run past a failed check."""


def score(world, request_ids=(), *, downstream: bool = False):
    assets = [asset_compliance, no_rejected_assets_pass_through]
    return materialize(
        [*assets, variants_stand_in] if downstream else assets,
        resources={
            "database": DatabaseResource(url=world.url),
            "image_store": ImageStoreResource(root=str(world.media)),
        },
        run_config={
            "ops": {"asset_compliance": {"config": {"request_ids": [str(i) for i in request_ids]}}}
        },
        raise_on_error=False,
    )


def metadata_of(result) -> dict:
    (materialization,) = result.asset_materializations_for_node("asset_compliance")
    return {key: value.value for key, value in materialization.metadata.items()}


def check_of(result):
    (evaluation,) = result.get_asset_check_evaluations()
    return evaluation


def new_request(world, brand: str, purpose: str = "compliance-asset"):
    """A fresh submitted copy of one of ``brand``'s demo requests: Instagram and LinkedIn."""
    # fixed source and id: the same images every run (the id seeds the backgrounds)
    return copy_request(
        world.engine,
        first_request(world.engine, brand=brand),
        new_id=fixed_id(f"{purpose}/{brand}"),
        target_platforms=["instagram", "linkedin"],
        style_preferences={"num_images": 1},
    )


@pytest.fixture(scope="module")
def requests(demo_world) -> dict[str, object]:
    made = {
        brand: new_request(demo_world, brand) for brand in ("Northwind Coffee", "Lumen Fitness")
    }
    assert generate(demo_world, list(made.values())).success
    return made


def test_generated_images_are_scored_with_their_render_metadata(demo_world, requests) -> None:
    result = score(demo_world, requests.values())
    assert result.success

    rows = [row for request in requests.values() for row in asset_rows(demo_world.engine, request)]
    assert len(rows) == 4
    for row in rows:
        render = row["generation_parameters"]["render"]
        assert render["placement"] == f"{row['platform']}.{render['template']['placement']}"
        assert "lines" not in render["text_zones"]["headline"]  # the text itself stays out
        details = row["compliance_details"]
        assert row["validation_status"] == "passed", details["violations"]
        assert float(row["compliance_score"]) == details["score"] == 100.0
        assert [rule["rule"] for rule in details["rules"]] == RULES
        assert all(rule["passed"] is True for rule in details["rules"])
        assert details["placement"] == render["placement"]
        assert details["run_id"] == result.run_id

    metadata = metadata_of(result)
    assert metadata["assets_scored"] == 4 and metadata["passed"] == 4
    assert metadata["pass_rate"] == 1.0 and metadata["rejected"] == 0
    assert metadata["most_common_violations"] == "No violations."
    assert "| passed | 4 | 100% |" in metadata["by_status"]
    assert check_of(result).passed


def _remove_logo(world, row: dict) -> None:
    """Paint the logo's box over with the backdrop beside it, in the stored file."""
    path = world.media / row["file_path"]
    image = Image.open(io.BytesIO(path.read_bytes())).convert("RGB")
    box = row["generation_parameters"]["render"]["logo"]["box"]
    colour = image.getpixel((box["x"] + box["width"] + 4, box["y"] + box["height"] // 2))
    image.paste(colour, (box["x"], box["y"], box["x"] + box["width"], box["y"] + box["height"]))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())


def test_a_strict_brands_failing_image_is_rejected_and_held_back(demo_world, requests) -> None:
    northwind = requests["Northwind Coffee"]
    instagram = next(
        r for r in asset_rows(demo_world.engine, northwind) if r["platform"] == "instagram"
    )
    # the module's images are shared: the painted-over file is put back afterwards, so
    # that the other tests see the images as generated, whatever order they run in
    stored = demo_world.media / instagram["file_path"]
    original = stored.read_bytes()
    _remove_logo(demo_world, instagram)
    try:
        _rejected_and_held_back(demo_world, northwind)
    finally:
        stored.write_bytes(original)


def _rejected_and_held_back(demo_world, northwind) -> None:
    result = score(demo_world, [northwind])
    assert result.success
    rows = {r["platform"]: r for r in asset_rows(demo_world.engine, northwind)}
    rejected = rows["instagram"]
    assert rejected["validation_status"] == "rejected"  # Northwind Coffee is strict
    assert rejected["compliance_details"]["violations"] == ["logo.present"]
    assert float(rejected["compliance_score"]) < 85  # its minimum
    assert rows["linkedin"]["validation_status"] == "passed"
    metadata = metadata_of(result)
    assert (metadata["rejected"], metadata["passed"], metadata["pass_rate"]) == (1, 1, 0.5)
    assert "| logo.present | 1 | 50% |" in metadata["most_common_violations"]
    assert check_of(result).passed  # flagged, and nothing downstream has it

    # variants made from the rejected image: the check fails and blocks what is downstream
    with demo_world.engine.begin() as conn:
        variant = make_variant(conn, rejected["id"])
    try:
        blocked = score(demo_world, [northwind], downstream=True)
        evaluation = check_of(blocked)
        assert not evaluation.passed and evaluation.blocking
        assert str(rejected["id"]) in evaluation.metadata["problem_assets"].value
        materialized = {event.asset_key for event in blocked.get_asset_materialization_events()}
        assert AssetKey("asset_compliance") in materialized
        assert AssetKey("variants_stand_in") not in materialized
    finally:
        with demo_world.engine.begin() as conn:
            conn.execute(text("delete from asset_variants where id = :id"), {"id": variant})


def test_without_request_ids_only_pending_assets_are_scored(demo_world, requests) -> None:
    # the module's images scored first (whichever test runs first), so none is pending
    assert score(demo_world, requests.values()).success
    before = {
        str(r["id"]): r["compliance_details"].get("scored_at")
        for request in requests.values()
        for r in asset_rows(demo_world.engine, request)
    }
    fresh = new_request(demo_world, "Northwind Reserve")
    assert generate(demo_world, [fresh]).success

    result = score(demo_world)
    assert result.success
    rows = asset_rows(demo_world.engine, fresh)
    assert {r["validation_status"] for r in rows} == {"passed"}
    for request in requests.values():
        for row in asset_rows(demo_world.engine, request):
            assert row["compliance_details"].get("scored_at") == before[str(row["id"])]

    # an image gone from the store is rejected whatever the enforcement level (moderate here)
    (demo_world.media / rows[0]["file_path"]).unlink()
    assert score(demo_world, [fresh]).success
    gone = next(r for r in asset_rows(demo_world.engine, fresh) if r["id"] == rows[0]["id"])
    assert (gone["validation_status"], float(gone["compliance_score"])) == ("rejected", 0.0)
    assert "missing from the store" in gone["compliance_details"]["error"]
