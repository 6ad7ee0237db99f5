"""Generation that corrects itself (issue 21): repair attempts under a cap and the budget.

End to end through the generation asset (local provider, and Freepik against the local
fake server), checked against the compliance stage's own verdict, api_usage and the store.
"""

import io
from decimal import Decimal

import pytest
from PIL import Image
from sqlalchemy import text

from assets.compliance import load_image, score
from assets.compliance.repairs import NOT_REPAIRABLE, POLICY, repair_plan
from assets.compliance.verdicts import ComplianceServices, score_assets
from assets.generation.repair import Attempt, budget_share, max_attempts, repair
from assets.rendering import RenderRepairs, render_template
from core.generation import GeneratedImage, GenerationError, ImageSpec
from resources.file_store import FileStore
from socialpipe.demo.brands import BRANDS
from tests.compliance_corpus import low_contrast, off_palette, on_brand
from tests.freepik_world import PRICE, instagram_request, set_budget, set_number, spent
from tests.freepik_world import usage as _usage
from tests.generation_helpers import (
    asset_rows,
    copy_request,
    files_of_request,
    first_request,
    fixed_id,
    generate,
    metadata_of,
    request_row,
)
from tests.test_brand_kits import demo_media  # noqa: F401 - a fixture

pytest_plugins = ["tests.freepik_world"]
OFF_BRAND = ["#FF00FF", "#00C000"]  # magenta and green: on no demo brand's palette


def _attempts(row: dict) -> list[dict]:
    return row["generation_parameters"]["repair"]["attempts"]


def _off_brand_request(engine, purpose: str, **changes):
    source = first_request(engine, brand="Northwind Coffee")
    return copy_request(
        engine,
        source,
        new_id=fixed_id(purpose),
        target_platforms=["instagram"],
        style_preferences={"num_images": 1, "colors": OFF_BRAND},
        **changes,
    )


def _scored_by_compliance(world, request_id) -> dict:
    """The compliance stage's own verdict on the stored file (an independent scoring run)."""
    services = ComplianceServices(world.engine, FileStore(str(world.media)))
    (verdict,) = score_assets(services, [str(request_id)])
    return {"status": verdict.status, "score": verdict.score, "violations": verdict.violations}


def test_an_off_palette_image_is_repaired_within_the_cap_and_passes(demo_world):
    engine = demo_world.engine
    request_id = _off_brand_request(engine, "repair/off-palette")
    result = generate(demo_world, [request_id])
    assert result.success

    (row,) = asset_rows(engine, request_id)
    repair_record = row["generation_parameters"]["repair"]
    attempts = repair_record["attempts"]
    assert attempts[0]["violations"] == ["palette_adherence"]
    assert 2 <= len(attempts) <= 1 + 2  # the first render and at most two repairs
    kept = attempts[repair_record["kept"]]
    assert kept["status"] == "passed" and kept["score"] > attempts[0]["score"]
    assert all(a["thumbnail"].startswith("data:image/webp;base64,") for a in attempts)
    # the kept background was asked with the brand's colours only
    assert not set(OFF_BRAND) & set(row["generation_parameters"]["palette"])

    # compliance, scoring the stored file on its own, agrees
    verdict = _scored_by_compliance(demo_world, request_id)
    assert verdict["status"] == "passed"
    assert verdict["score"] == pytest.approx(kept["score"])

    # one render call, plus one per repair that needed a background
    usage = _usage(engine, request_id)
    paid = sum(a["provider_call"] for a in attempts[1:])
    assert len(usage) == 1 + paid == 1 + repair_record["provider_calls"]

    metadata = metadata_of(result)
    assert metadata["repaired_images"] == 1
    assert metadata["repair_provider_calls"] == paid
    assert str(request_id) in metadata["repairs"]
    assert f"{attempts[0]['score']:.2f}" in metadata["repairs"]
    assert f"{kept['score']:.2f}" in metadata["repairs"]


def test_attempts_leave_no_orphan_files_or_extra_rows(demo_world):
    engine = demo_world.engine
    request_id = _off_brand_request(engine, "repair/no-orphans")
    assert generate(demo_world, [request_id]).success
    request = request_row(engine, request_id)
    rows = asset_rows(engine, request_id)
    assert len(rows) == 1 and len(_attempts(rows[0])) > 1
    assert files_of_request(demo_world.media, request) == {r["file_path"] for r in rows}

    # forced again: the repaired image is made again the same way, nothing accumulates
    assert generate(demo_world, [request_id], force=True).success
    again = asset_rows(engine, request_id)
    assert [r["id"] for r in again] == [r["id"] for r in rows]
    assert files_of_request(demo_world.media, request) == {r["file_path"] for r in again}
    assert again[0]["file_path"] == rows[0]["file_path"]  # same seeds, same pixels


def test_a_failure_that_is_not_repairable_makes_no_attempt(demo_world):
    """The brand's font missing (fonts is not repairable) beside an off-palette background:
    one unrepairable failure means no attempt at all."""
    engine = demo_world.engine
    with engine.begin() as conn:
        brand_id, font = conn.execute(
            text("select id, primary_font from brand_profiles where name = 'Northwind Coffee'")
        ).one()
        conn.execute(
            text("update brand_profiles set primary_font = 'No Such Typeface' where id = :id"),
            {"id": brand_id},
        )
    try:
        request_id = _off_brand_request(engine, "repair/not-repairable")
        assert generate(demo_world, [request_id]).success
    finally:
        with engine.begin() as conn:
            conn.execute(
                text("update brand_profiles set primary_font = :font where id = :id"),
                {"font": font, "id": brand_id},
            )
    (row,) = asset_rows(engine, request_id)
    record = row["generation_parameters"]["repair"]
    (only,) = record["attempts"]
    assert "palette_adherence" in only["violations"]
    assert any(v.startswith("fonts") for v in only["violations"])
    assert record["stopped"].startswith("not repairable: ") and "fonts" in record["stopped"]
    assert "thumbnail" not in only
    assert len(_usage(engine, request_id)) == 1


def test_max_repair_attempts_is_an_organization_setting():
    assert max_attempts({}) == (2, None)
    assert max_attempts({"max_repair_attempts": 0}) == (0, None)
    for bad in (-1, 6, "2", 1.5, True):
        value, warning = max_attempts({"max_repair_attempts": bad})
        assert value == 2
        assert "organizations.settings.max_repair_attempts" in warning


def test_repair_budget_share_is_an_organization_setting():
    assert budget_share({}) == (Decimal("0.1"), None)
    assert budget_share({"repair_budget_share": 0}) == (Decimal(0), None)
    assert budget_share({"repair_budget_share": 0.25}) == (Decimal("0.25"), None)
    for bad in (-0.1, 1.5, "a lot", True, None, float("nan")):
        value, warning = budget_share({"repair_budget_share": bad})
        assert value == Decimal("0.1")
        assert "organizations.settings.repair_budget_share" in warning


# ---- Freepik, against the local fake server ------------------------------------------------


def _freepik_request(engine, org, purpose: str):
    return instagram_request(
        engine, org, new_id=fixed_id(purpose), style_preferences={"num_images": 1}
    )


def test_a_freepik_repair_makes_exactly_the_calls_recorded_in_api_usage(
    demo_world, freepik_org, fake
):
    engine = demo_world.engine
    request_id = _freepik_request(engine, freepik_org, "repair/freepik")
    fake.drift(times=1)  # the first background strays from the palette
    assert generate(demo_world, [request_id]).success

    (row,) = asset_rows(engine, request_id)
    attempts = _attempts(row)
    assert attempts[0]["violations"] == ["palette_adherence"]
    assert attempts[1]["provider_call"] and "palette-weighted prompt" in attempts[1]["changed"]
    assert row["generation_parameters"]["repair"]["stopped"] == "repaired"

    usage = _usage(engine, request_id)
    assert len(usage) == len(fake.api_requests) == 1 + sum(a["provider_call"] for a in attempts[1:])
    assert all(u.response_status == 200 for u in usage)
    assert sum(u.cost_per_request for u in usage) == PRICE * len(usage)
    # the repair's call asked with a new seed and a prompt that names the brand's colours
    first, second = fake.api_requests[0].json, fake.api_requests[1].json
    assert second["seed"] != first["seed"]
    assert "Colours: mostly" in second["prompt"] and "Colours" not in first["prompt"]


def test_a_budget_for_one_more_call_stops_after_one_attempt_with_that_reason(
    demo_world, freepik_org, fake
):
    engine = demo_world.engine
    request_id = _freepik_request(engine, freepik_org, "repair/budget")
    fake.drift(times=2)  # the first background and the first repair's both stray
    # the first call and one more; the repairs may use the whole budget
    set_budget(engine, freepik_org, spent(engine, freepik_org) + 2 * PRICE)
    _set_share(engine, freepik_org, 1)
    assert generate(demo_world, [request_id]).success

    assert request_row(engine, request_id)["status"] == "generated"  # repairs never fail it
    (row,) = asset_rows(engine, request_id)
    record = row["generation_parameters"]["repair"]
    assert [a["attempt"] for a in record["attempts"]] == [0, 1]
    assert record["provider_calls"] == 1
    assert record["stopped"].startswith("no further provider call: daily budget of")
    assert "no call was made" in record["stopped"]
    assert len(_usage(engine, request_id)) == len(fake.api_requests) == 2


def _set_share(engine, org, share) -> None:
    set_number(engine, org, "repair_budget_share", share)


def test_a_requests_repairs_stop_at_its_share_of_the_budget(demo_world, freepik_org, fake):
    engine = demo_world.engine
    request_id = _freepik_request(engine, freepik_org, "repair/share")
    fake.drift(times=3)  # every background strays: only the share can stop the repairs
    # a budget with room for a hundred more calls, of which this request's repairs may
    # take one and a half: one repair call, not two (the cap of 2 would allow two)
    budget = spent(engine, freepik_org) + 100 * PRICE
    set_budget(engine, freepik_org, budget)
    _set_share(engine, freepik_org, 3 * PRICE / 2 / budget)
    assert generate(demo_world, [request_id]).success

    (row,) = asset_rows(engine, request_id)
    record = row["generation_parameters"]["repair"]
    assert [a["attempt"] for a in record["attempts"]] == [0, 1]
    assert record["provider_calls"] == 1
    assert record["stopped"].startswith(
        "no further provider call: this request's repairs may spend"
    )
    assert len(_usage(engine, request_id)) == len(fake.api_requests) == 2


# ---- the policy and the renderer's free fixes, without a database ---------------------------


def test_every_rule_has_a_stated_repair_policy():
    from assets.compliance.settings import DEFAULT_WEIGHTS

    stated = {key.split(".", 1)[0] for key in (*POLICY, *NOT_REPAIRABLE)}
    assert set(DEFAULT_WEIGHTS) <= stated
    assert not set(POLICY) & set(NOT_REPAIRABLE)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _first_attempt(render, image: Image.Image, metadata: dict) -> Attempt:
    data = _png(image)
    result = score(load_image(data), render.kit, render.placement, metadata)
    spec = ImageSpec(prompt="test", width=1, height=1, size_name="square_1_1", seed=1)
    return Attempt(0, data, "png", metadata, result, GeneratedImage(b""), spec, "first", True)


def _refusing_provider(spec, attempt):
    raise GenerationError("no provider in this test")


def _render_repair(render, limit: int = 2):
    def compose(generated, repairs: RenderRepairs):
        made = render_template(
            render.background, render.kit, render.template, render.texts, repairs
        )
        return _png(made.image), "png", made.metadata

    def judge(data, metadata):
        return score(load_image(data), render.kit, render.placement, metadata)

    return compose, judge


def test_low_contrast_is_repaired_by_the_renderer_without_a_provider_call(demo_media):  # noqa: F811
    render = on_brand(BRANDS[2], "instagram.feed_portrait", demo_media)
    first = _first_attempt(render, *low_contrast(render))
    assert first.result.violations == ["text_contrast.headline"]
    plan = repair_plan(first.result)
    assert plan is not None and not plan.provider_call and plan.scrim_zones == {"headline"}

    compose, judge = _render_repair(render)
    repaired = repair(
        first, limit=2, compose=compose, judge=judge, new_background=_refusing_provider
    )
    assert repaired.calls == 0 and len(repaired.attempts) == 2
    assert repaired.kept.number == 1 and repaired.kept.result.status == "passed"
    assert repaired.kept.render["text_zones"]["headline"]["scrim"]["opacity"] >= 0.9


def test_a_refused_call_stops_a_palette_repair_with_the_reason(demo_media):  # noqa: F811
    render = on_brand(BRANDS[0], "linkedin.post", demo_media)
    first = _first_attempt(render, *off_palette(render))
    assert first.result.violations == ["palette_adherence"]
    compose, judge = _render_repair(render)
    repaired = repair(
        first, limit=2, compose=compose, judge=judge, new_background=_refusing_provider
    )
    assert [a.number for a in repaired.attempts] == [0]
    assert repaired.stopped == "no further provider call: no provider in this test"


# ---- visible: the gallery -------------------------------------------------------------------


def test_the_gallery_shows_a_repaired_images_attempts(demo_world, tmp_path):
    from pathlib import Path

    from socialpipe.gallery import MediaLinks, build_gallery
    from tests.test_gallery import parse

    engine = demo_world.engine
    request_id = _off_brand_request(engine, "repair/gallery")
    assert generate(demo_world, [request_id]).success
    (row,) = asset_rows(engine, request_id)
    attempts = _attempts(row)

    build = build_gallery(engine, tmp_path, MediaLinks(Path(demo_world.media).resolve()))
    page_file = build.index.parent / "requests" / f"{request_id}.html"
    page = parse(page_file)
    html = page_file.read_text()
    thumbnails = [i for i in page.images if i["src"].startswith("data:image/webp;base64,")]
    assert [i["src"] for i in thumbnails] == [a["thumbnail"] for a in attempts]
    assert f"Repair attempts ({len(attempts) - 1})" in html
    assert html.count('class="attempt kept"') == 1
    for attempt in attempts:
        assert f'data-attempt="{attempt["attempt"]}"' in html
    assert attempts[1]["changed"] in html


def test_a_thumbnail_that_is_not_an_inline_image_is_never_shown():
    from socialpipe.gallery.model import attempts_from

    record = {
        "kept": 1,
        "stopped": "repaired",
        "attempts": [
            {"attempt": 0, "score": 70.0, "thumbnail": "javascript:alert(1)"},
            {"attempt": 1, "score": 99.0, "thumbnail": "data:image/webp;base64,AAAA"},
        ],
    }
    attempts, stopped = attempts_from(record)
    assert [a.thumbnail for a in attempts] == [None, "data:image/webp;base64,AAAA"]
    assert [a.kept for a in attempts] == [False, True] and stopped == "repaired"
    assert attempts_from({"attempts": [{"attempt": 0}]}) == ((), None)  # made once


@pytest.mark.parametrize(
    ("colors", "named"),
    [
        ("#FF00FF", "style_preferences.colors must be a list"),
        (["#FF00FF", "#00C000", "#0000FF", "#FFFF00"], "at most 3"),
        (["magenta"], "'magenta' is not a #RRGGBB colour"),
        ([12], "12 is not a #RRGGBB colour"),
    ],
)
def test_requested_colours_that_are_not_colours_fail_the_request_naming_the_field(colors, named):
    from assets.generation import planning

    request = {
        "requester_is_active_member": True,
        "content_brief": "A brief.",
        "target_platforms": ["instagram"],
        "style_preferences": {"colors": colors},
    }
    with pytest.raises(planning.RequestInputError, match="style_preferences.colors") as raised:
        planning.check_request(request)
    assert named in str(raised.value)


def test_requested_colours_lead_the_palette_and_a_repair_drops_them():
    from assets.generation import planning
    from core.generation import PaletteColor

    brand = (PaletteColor("#3E2723", 3.0), PaletteColor("#F5EFE6", 2.0))
    asked = planning.request_palette({"style_preferences": {"colors": ["#ff00ff"]}}, brand)
    assert asked == (PaletteColor("#FF00FF", 5.0), *brand)
    spec = ImageSpec("A prompt", 10, 10, "square_1_1", seed=7, num_images=3, palette=asked)
    repaired = planning.repair_spec(spec, brand, 1)
    assert repaired.palette == brand and repaired.num_images == 1
    assert repaired.seed not in range(7, 7 + 3)
    assert repaired.prompt.endswith(
        "Colours: mostly #3E2723, #F5EFE6, only the brand palette, no other hues."
    )
    assert planning.repair_spec(repaired, brand, 2).prompt == repaired.prompt  # said once


def test_a_scoring_failure_keeps_the_first_render_with_a_warning():
    from assets.generation.process import _with_repairs

    def broken(data, metadata):
        raise ValueError("a scoring bug")

    spec = ImageSpec(prompt="test", width=1, height=1, size_name="square_1_1", seed=1)
    unscored = Attempt(0, b"png", "png", {}, None, GeneratedImage(b""), spec, "first", True)
    warnings = []
    kept = _with_repairs(
        unscored,
        limit=2,
        compose=None,
        judge=broken,
        new_background=_refusing_provider,
        warnings=warnings,
    )
    assert kept is None
    assert warnings == ["repairs skipped: internal error: ValueError: a scoring bug"]
