"""Issue 15's bad input: a template zone too small for one letter at the minimum size, a
1×4000 px image, a zones file whose zones overlap entirely. Each has a clear outcome
and none crashes."""

import json
from datetime import date
from pathlib import Path

import numpy as np
from PIL import Image
from typer.testing import CliRunner

from assets.brand_kits import load_template
from assets.compliance.scorer import score
from assets.rendering import render_template
from assets.variants.crops import Zone
from assets.variants.zones import nested_zones
from core.placements import placements_for
from socialpipe.cli.variants import app
from socialpipe.demo import history
from socialpipe.demo.brands import BRANDS
from tests.test_brand_kits import template_row
from tests.variant_images import ZONE_COLOURS, colour_box, encoded, marked_image

runner = CliRunner()
LUMEN = BRANDS[2]
TEXTS = {"headline": "Protein packed", "body": "Fresh every morning", "cta": "Join"}


def tiny_headline_template() -> dict:
    row = template_row(LUMEN, "instagram.feed_square")
    zones = json.loads(row["text_zones"])
    zones[0].update(width=6, height=6, min_font_size=12)
    assert zones[0]["name"] == "headline"
    return {**row, "text_zones": json.dumps(zones)}


def test_a_zone_too_small_for_one_letter_is_said_and_fails_text_fit(tmp_path: Path) -> None:
    template = load_template(tiny_headline_template())
    kit = history.brand_kit(tmp_path, LUMEN, date.today())
    background = Image.new("RGB", (1080, 1080), (235, 235, 235))
    rendered = render_template(background, kit, template, TEXTS)
    headline = rendered.metadata["text_zones"]["headline"]
    assert headline["drawn"] is False and headline["too_small"] is True
    assert "too small for one letter at 12 px" in headline["reason"]
    assert any(w.startswith("headline: zone") for w in rendered.metadata["warnings"])
    assert rendered.metadata["text_zones"]["body"]["drawn"] is True  # the rest goes on
    result = score(rendered.image, kit, "instagram.feed_square", rendered.metadata)
    rule = result.rule("text_fit")
    assert rule.passed is False and "headline" in rule.message
    assert [c.check for c in rule.checks if c.passed is False] == ["headline"]
    assert result.status != "passed" and result.score < 100


def test_a_1x4000_image_renders_every_placement_with_a_note(tmp_path: Path) -> None:
    strip = np.zeros((4000, 1, 3), np.uint8)
    strip[:, 0, 0] = np.linspace(0, 255, 4000).astype(np.uint8)  # a ramp top to bottom
    image = tmp_path / "strip.png"
    image.write_bytes(encoded(strip, "PNG"))
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["render", str(image), "--platform", "facebook", "--out", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    # a cover frame of a 1 px wide source is 1 px wide: the widest placement enlarges most
    widest = max(placements_for("facebook"), key=lambda p: p.width)
    note = f"1×4000 source is enlarged up to {widest.width}× ({widest.key})"
    assert note in result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 4
    for row in rows:
        with Image.open(row["path"]) as written:
            assert written.size == (row["width"], row["height"])


def test_a_1x4000_image_gets_a_compliance_verdict(tmp_path: Path) -> None:
    kit = history.brand_kit(tmp_path, LUMEN, date.today())
    result = score(Image.new("RGB", (1, 4000), (10, 20, 30)), kit, "instagram.story")
    assert result.rule("platform_fit").passed is False
    assert result.status in ("passed_with_warnings", "needs_review", "rejected")


def test_zones_that_overlap_entirely_warn_and_stay_whole(tmp_path: Path) -> None:
    zones = [Zone("headline", 200, 300, 400, 200), Zone("logo", 200, 300, 400, 200)]
    image = tmp_path / "post.png"
    image.write_bytes(encoded(marked_image(1080, 1080, zones[:1]), "PNG"))
    zones_file = tmp_path / "zones.json"
    zones_file.write_text(json.dumps([z.__dict__ for z in zones]))
    out = tmp_path / "out"
    args = ["render", str(image), "--platform", "x", "--zones", str(zones_file)]
    result = runner.invoke(app, [*args, "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert "zone 'logo' covers the same box as zone 'headline'" in result.stderr
    assert str(zones_file) in result.stderr
    for row in json.loads(result.stdout):
        with Image.open(row["path"]) as written:
            pixels = np.asarray(written.convert("RGB"))
        left, top, right, bottom = colour_box(pixels, ZONE_COLOURS["headline"])
        assert left > 0 and top > 0 and right < row["width"] and bottom < row["height"]


def test_nested_zones_are_named_once() -> None:
    outer = Zone("headline", 0, 0, 100, 100)
    assert nested_zones([outer, Zone("logo", 10, 10, 20, 20)]) == [
        "zone 'logo' lies entirely inside zone 'headline'"
    ]
    assert nested_zones([outer, Zone("cta", 0, 0, 100, 100)]) == [
        "zone 'cta' covers the same box as zone 'headline'"
    ]
    assert nested_zones([outer, Zone("body", 50, 50, 100, 100)]) == []
