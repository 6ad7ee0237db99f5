"""`socialpipe compliance check`, through typer's test runner on the command's own app."""

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image
from typer.testing import CliRunner

from socialpipe.cli.compliance import app
from socialpipe.demo.brands import BRANDS
from tests.compliance_corpus import logo_removed, on_brand
from tests.compliance_files import encoded, png_with_header
from tests.generation_helpers import asset_rows, generate
from tests.test_brand_kits import asset_rows as brand_asset_rows
from tests.test_brand_kits import demo_media  # noqa: F401 (a fixture)
from tests.test_compliance_asset import new_request

NORTHWIND = BRANDS[0]
runner = CliRunner()


def run(*args: str, env: dict | None = None):
    return runner.invoke(app, ["check", *args], env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def render(demo_media: Path):  # noqa: F811
    return on_brand(NORTHWIND, "instagram.feed_portrait", demo_media)


@pytest.fixture(scope="module")
def kit_file(tmp_path_factory, demo_media: Path) -> Path:  # noqa: F811
    """Northwind Coffee as a YAML kit, its logo a path relative to the file."""
    folder = tmp_path_factory.mktemp("kit")
    logo = next(
        row for row in brand_asset_rows(NORTHWIND, demo_media) if row["asset_type"] == "logo"
    )
    (folder / "logo.png").write_bytes((demo_media / logo["file_path"]).read_bytes())
    kit = {
        "name": NORTHWIND.name,
        "primary_color": NORTHWIND.color("primary"),
        "secondary_color": NORTHWIND.color("secondary"),
        "accent_color": NORTHWIND.color("accent"),
        "color_palette": [
            {"name": s.name, "hex": s.hex, "role": s.role} for s in NORTHWIND.palette
        ],
        "primary_font": NORTHWIND.primary_font,
        "secondary_font": NORTHWIND.secondary_font,
        "logo_primary_url": "logo.png",
        "enforcement_level": "strict",
        "minimum_compliance_score": 85,
    }
    path = folder / "northwind.yaml"
    path.write_text(yaml.safe_dump(kit))
    return path


def test_an_on_brand_image_passes_with_a_kit_file(tmp_path: Path, render, kit_file) -> None:
    image = tmp_path / "post.png"
    image.write_bytes(encoded(render.image, "PNG"))
    result = run(str(image), "--brand-kit", str(kit_file))
    assert result.exit_code == 0, result.output
    assert "instagram.feed_portrait" in result.output  # recognised from the size
    assert "palette_adherence" in result.output and "✓ pass" in result.output
    assert "passed" in result.output and "strict enforcement" in result.output


def test_json_output_of_a_failing_image(tmp_path: Path, render, kit_file) -> None:
    broken, _ = logo_removed(render)
    image = tmp_path / "no-logo.png"
    image.write_bytes(encoded(broken, "PNG"))
    kit = tmp_path / "kit.json"  # the same kit as JSON, its logo path absolute now
    data = yaml.safe_load(kit_file.read_text())
    data["logo_primary_url"] = str(kit_file.parent / "logo.png")
    kit.write_text(json.dumps(data))

    result = run(str(image), "--brand-kit", str(kit), "--json")
    assert result.exit_code == 1  # rejected (strict)
    report = json.loads(result.output)
    assert report["status"] == "rejected" and 0 < report["score"] < 85
    logo = next(rule for rule in report["rules"] if rule["rule"] == "logo")
    assert logo["passed"] is False and "logo not found" in logo["message"]
    assert {"rule", "value", "threshold", "weight", "passed", "message"} <= set(logo)


def test_an_arbitrary_photo_gets_a_verdict(tmp_path: Path, kit_file) -> None:
    rng = np.random.default_rng(3)
    ys, xs = np.mgrid[0:900, 0:1200]
    sky = np.stack([40 + xs / 12, 110 + ys / 9, 200 - ys / 8], axis=-1)
    photo = np.clip(sky + rng.normal(0, 12, sky.shape), 0, 255).astype(np.uint8)
    image = tmp_path / "holiday.jpg"
    image.write_bytes(encoded(Image.fromarray(photo), "JPEG", quality=85))

    result = run(str(image), "--brand-kit", str(kit_file), "--platform", "x", "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["placement"] == "x.post" and report["status"] == "rejected"
    failed = {rule["rule"] for rule in report["rules"] if rule["passed"] is False}
    assert {"palette_adherence", "logo", "platform_fit"} <= failed
    unmeasured = {rule["rule"] for rule in report["rules"] if rule["passed"] is None}
    assert unmeasured == {"text_contrast", "fonts", "text_fit"}  # no render metadata for a photo


def test_placement_options(tmp_path: Path, render, kit_file) -> None:
    image = tmp_path / "post.png"
    image.write_bytes(encoded(render.image, "PNG"))
    for options in (
        ["--placement", "instagram.story"],
        ["--platform", "instagram", "--placement", "story"],
    ):
        report = json.loads(
            run(str(image), "--brand-kit", str(kit_file), *options, "--json").output
        )
        assert report["placement"] == "instagram.story"
        fit = next(rule for rule in report["rules"] if rule["rule"] == "platform_fit")
        assert not fit["passed"] and "1080×1920" in fit["message"]


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ([], "exactly one of --brand-profile or --brand-kit"),
        (["--brand-kit", "KIT", "--brand-profile", "x"], "exactly one of"),
        (["--brand-kit", "KIT", "--platform", "myspace"], "unknown platform 'myspace'"),
        (["--brand-kit", "KIT", "--placement", "banner"], "placement 'banner' is unknown"),
    ],
)
def test_bad_options_are_refused(tmp_path: Path, render, kit_file, arguments, words) -> None:
    image = tmp_path / "post.png"
    image.write_bytes(encoded(render.image, "PNG"))
    arguments = [str(kit_file) if a == "KIT" else a for a in arguments]
    result = runner.invoke(app, ["check", str(image), *arguments])
    assert result.exit_code == 2
    assert words in " ".join(result.output.split())


def test_bad_files_are_refused_clearly(tmp_path: Path, kit_file) -> None:
    huge = tmp_path / "huge.png"
    huge.write_bytes(png_with_header(30_000, 30_000))
    result = runner.invoke(app, ["check", str(huge), "--brand-kit", str(kit_file)])
    assert result.exit_code == 2 and "refused without decoding" in " ".join(result.output.split())

    typo = tmp_path / "typo.yaml"
    typo.write_text("name: X\nprimary_colour: '#112233'\ncolor_palette: ['#112233']\n")
    image = tmp_path / "one.png"
    image.write_bytes(encoded(Image.new("RGB", (1, 1), "#112233"), "PNG"))
    result = runner.invoke(app, ["check", str(image), "--brand-kit", str(typo)])
    assert result.exit_code == 2 and "primary_colour" in result.output

    bad = tmp_path / "bad.yaml"
    bad.write_text("name: X\ncolor_palette: ['#12G']\n")
    result = runner.invoke(app, ["check", str(image), "--brand-kit", str(bad)])
    assert result.exit_code == 2 and "color_palette[0].hex" in " ".join(result.output.split())


def test_a_brand_profile_from_the_database(demo_world, tmp_path: Path) -> None:
    request = new_request(demo_world, "Lumen Fitness", "compliance-cli")
    assert generate(demo_world, [request]).success
    row = next(r for r in asset_rows(demo_world.engine, request) if r["platform"] == "instagram")
    image = demo_world.media / row["file_path"]
    metadata = tmp_path / "render.json"
    metadata.write_text(json.dumps(row["generation_parameters"]))
    env = {"DATABASE_URL": demo_world.url, "IMAGE_STORE_URL": str(demo_world.media)}

    by_name = run(str(image), "--brand-profile", "Lumen Fitness", "--json", env=env)
    assert by_name.exit_code == 0, by_name.output
    assert json.loads(by_name.output)["status"] == "passed"

    by_id = run(
        str(image),
        "--brand-profile",
        str(row["brand_profile_id"]),
        "--render-metadata",
        str(metadata),
        "--json",
        env=env,
    )
    report = json.loads(by_id.output)
    assert by_id.exit_code == 0 and report["status"] == "passed"
    assert all(rule["passed"] is True for rule in report["rules"])  # all six measured

    missing = run(str(image), "--brand-profile", "No Such Brand", env=env)
    assert missing.exit_code == 2 and "no brand profile matches" in missing.output
    # the choices are listed: every brand of the demo by its name
    assert "Northwind Coffee" in missing.output and "Lumen" in missing.output
