"""`socialpipe variants render`, run through typer's CliRunner on the module's own app."""

import io
import json

import numpy as np
from PIL import Image
from typer.testing import CliRunner

from socialpipe.cli.variants import app
from tests.test_variants_crops import SQUARE_TEMPLATE
from tests.variant_images import ZONE_COLOURS, colour_box, encoded, marked_image, natural_image

runner = CliRunner()
FIELDS = {"placement", "format", "width", "height", "bytes", "quality", "quality_score", "path"}


def test_render_prints_every_rendition_as_json(tmp_path) -> None:
    image = tmp_path / "photo.jpg"
    image.write_bytes(encoded(natural_image(800, 600, seed=8), "JPEG", quality=90))
    result = runner.invoke(
        app, ["render", str(image), "--platform", "x", "--out", str(tmp_path / "out"), "--json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["placement"], r["format"]) for r in rows] == [("post", "jpeg"), ("post", "webp")]
    for row in rows:
        assert set(row) == FIELDS
        with Image.open(row["path"]) as written:
            assert written.size == (row["width"], row["height"]) == (1200, 675)
        assert row["bytes"] == len(open(row["path"], "rb").read())  # noqa: SIM115
        assert 0.9 <= row["quality_score"] <= 1 and row["quality"] >= 30


def test_render_keeps_the_zones_of_a_zones_file(tmp_path) -> None:
    image = tmp_path / "post.png"
    image.write_bytes(encoded(marked_image(1080, 1080, SQUARE_TEMPLATE), "PNG"))
    zones = tmp_path / "zones.json"
    zones.write_text(
        json.dumps(
            [
                {"name": z.name, "x": z.x, "y": z.y, "width": z.width, "height": z.height}
                for z in SQUARE_TEMPLATE
            ]
        )
    )
    out = tmp_path / "out"
    args = ["render", str(image), "--platform", "instagram", "--zones", str(zones)]
    result = runner.invoke(app, [*args, "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    story = next(r for r in json.loads(result.stdout) if r["placement"] == "story")
    with Image.open(story["path"]) as written:
        pixels = np.asarray(written.convert("RGB"))
    for zone in SQUARE_TEMPLATE:
        left, top, right, bottom = colour_box(pixels, ZONE_COLOURS[zone.name])
        assert top >= 250 and bottom <= 1920 - 250 and left > 0 and right < 1080  # whole


def test_the_table_names_the_files(tmp_path) -> None:
    image = tmp_path / "photo.png"
    image.write_bytes(encoded(natural_image(300, 300), "PNG"))
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", str(image), "--platform", "youtube", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "thumbnail" in result.output and "1280×720" in result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "photo-youtube-thumbnail.jpg",
        "photo-youtube-thumbnail.webp",
    ]


def test_errors_are_clear_and_exit_non_zero(tmp_path) -> None:
    good = tmp_path / "good.png"
    good.write_bytes(encoded(natural_image(200, 200), "PNG"))
    out = str(tmp_path / "out")

    unknown = runner.invoke(app, ["render", str(good), "--platform", "myspace", "--out", out])
    assert unknown.exit_code == 2 and "unknown platform 'myspace'" in unknown.output

    broken = tmp_path / "broken.jpg"
    buffer = io.BytesIO()
    Image.fromarray(natural_image(200, 200)).save(buffer, "JPEG")
    broken.write_bytes(buffer.getvalue()[:900])
    corrupt = runner.invoke(app, ["render", str(broken), "--platform", "x", "--out", out])
    assert corrupt.exit_code == 2 and "broken.jpg" in corrupt.output
    assert "corrupt or truncated JPEG" in corrupt.output

    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["render", str(empty), "--platform", "x", "--out", out])
    assert result.exit_code == 2 and "empty file" in result.output

    zones = tmp_path / "zones.json"
    zones.write_text('[{"name": "logo", "x": 1}]')
    bad = runner.invoke(
        app, ["render", str(good), "--platform", "x", "--zones", str(zones), "--out", out]
    )
    assert bad.exit_code == 2 and "needs numeric x, y, width and height" in bad.output

    missing = runner.invoke(
        app, ["render", str(tmp_path / "nope.png"), "--platform", "x", "--out", out]
    )
    assert missing.exit_code == 2 and "cannot read" in missing.output


def test_without_zones_it_warns_that_crops_may_cut_text(tmp_path) -> None:
    image = tmp_path / "photo.jpg"
    image.write_bytes(encoded(natural_image(800, 600, seed=8), "JPEG", quality=90))
    out = ["--platform", "x", "--out", str(tmp_path / "out"), "--json"]
    bare = runner.invoke(app, ["render", str(image), *out])
    assert bare.exit_code == 0
    assert "no --zones" in bare.stderr and "may cut" in bare.stderr
    zones = tmp_path / "zones.json"
    zones.write_text('[{"name": "headline", "x": 100, "y": 100, "width": 400, "height": 120}]')
    kept = runner.invoke(app, ["render", str(image), *out, "--zones", str(zones)])
    assert kept.exit_code == 0 and "no --zones" not in kept.stderr
