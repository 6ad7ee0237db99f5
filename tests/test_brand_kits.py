"""Brand kits and templates: every demo kit loads; each bad input names its field."""

import json
import struct
import zlib
from datetime import date
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest
from coloraide import Color
from PIL import Image

from assets.brand_kits import (
    BrandKit,
    BrandKitError,
    TemplateError,
    TemplateSpec,
    load_brand_kit,
    load_font,
    load_template,
)
from assets.brand_kits.fonts import PILLOW_DEFAULT, resolve_font
from core.placements import all_placements
from socialpipe.demo import brand_kit as demo_artwork
from socialpipe.demo import templates as demo_templates
from socialpipe.demo.brands import BRANDS, DemoBrand
from socialpipe.demo.db import as_json
from socialpipe.demo.tenants import brand_id, brand_profile_row, user_id

ANCHOR = date(2026, 1, 15)
NORTHWIND = BRANDS[0]


# ---- demo rows, shaped like the loader writes them (jsonb as JSON text) ----------------


def profile_row(brand: DemoBrand, **changes) -> dict:
    # the demo's logo URL is a file:// URL; the logo asset row is what gets used
    row = brand_profile_row(brand, f"file:///media/{brand.key}/logo.png", ANCHOR)
    return {**row, **changes}


def asset_rows(brand: DemoBrand, media: Path) -> list[dict]:
    stored = demo_artwork.store_brand_artwork(media, brand)
    return [
        {
            "id": f"{brand.key}-{artwork.asset_type}",
            "brand_profile_id": brand_id(brand),
            "name": f"{brand.name} {artwork.name.lower()}",
            "asset_type": artwork.asset_type,
            "file_path": stored[artwork.asset_type].key,
            "file_url": stored[artwork.asset_type].url,
            "file_size_bytes": stored[artwork.asset_type].size_bytes,
            "tags": list(artwork.tags),
        }
        for artwork in demo_artwork.ARTWORK
    ]


def template_row(brand: DemoBrand, placement_key: str) -> dict:
    placement = next(p for p in all_placements() if p.key == placement_key)
    return demo_templates.template_row(
        brand, brand_id(brand), placement, user_id(brand.manager), ANCHOR
    )


def reader(media: Path):
    return lambda key: (media / key).read_bytes()


@pytest.fixture(scope="session")
def demo_media(tmp_path_factory) -> Path:
    media = tmp_path_factory.mktemp("media")
    for brand in BRANDS:
        demo_artwork.store_brand_artwork(media, brand)
    return media


def demo_kit(brand: DemoBrand, media: Path, **kwargs) -> BrandKit:
    return load_brand_kit(profile_row(brand), asset_rows(brand, media), reader(media), **kwargs)


def demo_template(brand: DemoBrand, placement_key: str) -> TemplateSpec:
    return load_template(template_row(brand, placement_key))


def _has_dejavu() -> bool:
    return not resolve_font("DejaVu Sans").fallback


# ---- every demo brand and template is valid ----------------------------------------------


@pytest.mark.parametrize("brand", BRANDS, ids=lambda b: b.key)
def test_every_demo_brand_loads(brand: DemoBrand, demo_media: Path) -> None:
    kit = demo_kit(brand, demo_media)

    assert kit.name == brand.name
    assert [c.hex for c in kit.palette] == [s.hex.upper() for s in brand.palette]
    assert kit.primary_color.hex == brand.color("primary").upper()
    assert kit.accent_color.role == "accent"
    lab = kit.palette_lab_array
    assert lab.shape == (len(brand.palette), 3)
    expected = Color(brand.palette[0].hex).convert("lab-d65").coords()
    assert np.allclose(lab[0], expected)
    assert kit.logo is not None and kit.logo.source == "brand_asset"
    assert (kit.logo.width, kit.logo.height, kit.logo.format) == (512, 512, "PNG")
    assert kit.logo.image().mode == "RGBA"
    assert kit.enforcement_level == brand.enforcement_level
    if _has_dejavu():
        assert not kit.font_fallback and kit.warnings == ()
        assert kit.primary_font.family == brand.primary_font
        assert kit.secondary_font.family == brand.secondary_font
        assert Path(kit.primary_font.path).is_file()


def test_rows_from_the_database_shape_load_too(demo_media: Path) -> None:
    """psycopg returns jsonb as Python objects and ids as UUIDs."""
    profile = profile_row(NORTHWIND)
    profile["color_palette"] = [{"hex": s.hex, "role": s.role} for s in NORTHWIND.palette]
    kit = load_brand_kit(profile, asset_rows(NORTHWIND, demo_media), reader(demo_media))
    assert kit.id == str(brand_id(NORTHWIND))
    row = template_row(NORTHWIND, "instagram.story")
    for key in ("format_specifications", "layout_config", "text_zones", "image_zones"):
        row[key] = json.loads(row[key])
    assert load_template(row).height == 1920


@pytest.mark.parametrize("brand", BRANDS, ids=lambda b: b.key)
def test_every_demo_template_loads(brand: DemoBrand) -> None:
    for placement in all_placements():
        spec = demo_template(brand, placement.key)
        assert (spec.width, spec.height) == (placement.width, placement.height)
        assert spec.platform == placement.platform and spec.placement == placement.placement
        assert [z.name for z in spec.text_zones] == ["headline", "body", "cta"]
        assert spec.image_zone("logo") is not None
        assert spec.background_zone.as_dict() == spec.canvas.as_dict()
        assert spec.safe_area.top == placement.safe_area_px.get("top", 0)
        assert spec.warnings == ()
        assert spec.text_zone("headline").role == "primary"
        assert spec.text_zone("body").role == "secondary"


# ---- colours -------------------------------------------------------------------------------


def _palette(*hexes: str) -> str:
    return as_json([{"name": f"c{i}", "hex": h} for i, h in enumerate(hexes)])


def test_bad_palette_hex_names_the_entry(demo_media: Path) -> None:
    profile = profile_row(NORTHWIND, color_palette=_palette("#3E2723", "#D7B98E", "#12G"))
    with pytest.raises(BrandKitError) as caught:
        load_brand_kit(profile, asset_rows(NORTHWIND, demo_media), reader(demo_media))
    assert caught.value.field == "color_palette[2].hex"
    assert str(caught.value) == (
        "brand 'Northwind Coffee': color_palette[2].hex: '#12G' is not a colour"
    )
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"color_palette": "[]"}, "color_palette", "without a palette"),
        ({"color_palette": None}, "color_palette", "without a palette"),
        ({"color_palette": '{"hex": "#000000"}'}, "color_palette", "must be a list"),
        ({"color_palette": "[1, 2"}, "color_palette", "not valid JSON"),
        ({"color_palette": '["#000000"]'}, "color_palette[0]", "must be an object"),
        ({"color_palette": '[{"name": "x"}]'}, "color_palette[0].hex", "missing"),
        ({"color_palette": '[{"hex": "#00000080"}]'}, "color_palette[0].hex", "translucent"),
        ({"primary_color": "#GG0000"}, "primary_color", "not a colour"),
        ({"accent_color": "nope"}, "accent_color", "not a colour"),
    ],
)
def test_bad_colours_name_the_field(demo_media: Path, changes, field, words) -> None:
    profile = profile_row(NORTHWIND, **changes)
    with pytest.raises(BrandKitError) as caught:
        load_brand_kit(profile, asset_rows(NORTHWIND, demo_media), reader(demo_media))
    assert caught.value.field == field
    assert words in str(caught.value) and "Northwind Coffee" in str(caught.value)


def test_unset_key_colours_come_from_the_palette_roles(demo_media: Path) -> None:
    profile = profile_row(NORTHWIND, primary_color=None, accent_color="")
    kit = load_brand_kit(profile, asset_rows(NORTHWIND, demo_media), reader(demo_media))
    assert kit.primary_color.hex == "#3E2723" and kit.accent_color.hex == "#E07A1F"
    assert any("primary_color not set" in note for note in kit.warnings)


def test_css_colours_are_normalised(demo_media: Path) -> None:
    profile = profile_row(NORTHWIND, color_palette=_palette("teal", "#fff"), primary_color="red")
    kit = load_brand_kit(profile, asset_rows(NORTHWIND, demo_media), reader(demo_media))
    assert [c.hex for c in kit.palette][:2] == ["#008080", "#FFFFFF"]
    # key colours missing from the palette join it, so compliance measures against them too
    assert "#FF0000" in [c.hex for c in kit.palette]
    assert len(kit.palette_lab) == len(kit.palette)


# ---- fonts ---------------------------------------------------------------------------------


def test_unknown_font_falls_back_with_a_warning(demo_media: Path) -> None:
    profile = profile_row(NORTHWIND, primary_font="Northwind Grotesk Pro")
    kit = load_brand_kit(profile, asset_rows(NORTHWIND, demo_media), reader(demo_media))
    assert kit.font_fallback and kit.primary_font.fallback
    assert "Northwind Grotesk Pro" in kit.primary_font.fallback_reason
    assert any(note.startswith("primary_font:") for note in kit.warnings)
    assert load_font(kit.primary_font, 40).getlength("Hello") > 0


def test_no_fonts_installed_uses_pillows_bundled_font(tmp_path: Path) -> None:
    font = resolve_font("DejaVu Sans", font_dirs=[tmp_path])
    assert font.fallback and font.path == PILLOW_DEFAULT
    assert "bundled" in font.fallback_reason
    assert load_font(font, 32, bold=True).getbbox("Hi")[2] > 0


@pytest.mark.skipif(not _has_dejavu(), reason="DejaVu fonts not installed")
@pytest.mark.parametrize(
    ("name", "file", "bold_file"),
    [
        ("DejaVu Sans", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
        ("dejavu serif bold", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Bold.ttf"),
        ("DejaVuSansMono-Bold", "DejaVuSansMono-Bold.ttf", "DejaVuSansMono-Bold.ttf"),
        ("DejaVu Sans Mono", "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf"),
    ],
)
def test_font_names_resolve_to_files(name: str, file: str, bold_file: str) -> None:
    font = resolve_font(name)
    assert not font.fallback
    assert Path(font.path).name == file and Path(font.bold_path).name == bold_file


# ---- logos ---------------------------------------------------------------------------------


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width × height (a decompression bomb's header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _load_with_logo(data: bytes) -> BrandKit:
    assets = [{"asset_type": "logo", "file_path": "org/brand/logo.png", "name": "Logo"}]
    return load_brand_kit(profile_row(NORTHWIND), assets, lambda key: data)


def _png(image: Image.Image) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "not an image"),
        (b"", "empty"),
        (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n", "not an image"),
        (_png_claiming(30_000, 30_000), "decompression-bomb"),
        (_png_claiming(8_000, 6_000), "decompression-bomb"),  # over 40 MP, under Pillow's own
        (_png(Image.new("RGBA", (64, 64), (0, 0, 0, 0))), "fully transparent"),
    ],
    ids=["svg", "empty", "eps", "bomb-900MP", "bomb-48MP", "transparent"],
)
def test_bad_logo_files_are_errors(data: bytes, words: str) -> None:
    with pytest.raises(BrandKitError) as caught:
        _load_with_logo(data)
    assert caught.value.field == "logo"
    assert words in str(caught.value)


def test_truncated_logo_is_an_error() -> None:
    data = _png(Image.effect_noise((256, 256), 40).convert("RGB"))
    with pytest.raises(BrandKitError, match="does not decode") as caught:
        _load_with_logo(data[: len(data) // 2])
    assert caught.value.field == "logo"


def test_oversized_logo_is_refused_before_reading() -> None:
    calls = []
    assets = [{"asset_type": "logo", "file_path": "big.png", "file_size_bytes": 50_000_000}]
    with pytest.raises(BrandKitError, match="byte") as caught:
        load_brand_kit(profile_row(NORTHWIND), assets, calls.append)
    assert caught.value.field == "logo" and calls == []


def test_oversized_logo_bytes_are_refused() -> None:
    with pytest.raises(BrandKitError, match="limit"):
        _load_with_logo(b"\x89PNG" + b"\0" * (21 * 1024 * 1024))


def test_unreadable_logo_file_is_an_error() -> None:
    def missing(key: str) -> bytes:
        raise FileNotFoundError(key)

    assets = [{"asset_type": "logo", "file_path": "org/brand/gone.png"}]
    with pytest.raises(BrandKitError, match="cannot be read") as caught:
        load_brand_kit(profile_row(NORTHWIND), assets, missing)
    assert caught.value.field == "logo"


UNSAFE_URLS = [
    "http://cdn.example.com/logo.png",
    "https://127.0.0.1/logo.png",
    "https://10.0.0.5/logo.png",
    "https://localhost/logo.png",
    "https://[::1]/logo.png",
    "https://169.254.169.254/latest/meta-data",
    "https://[::ffff:10.0.0.1]/logo.png",
    "https://2130706433/logo.png",
    "https://0x7f.1/logo.png",
    "https://app.localhost/logo.png",
    "https://printer.local/logo.png",
    "https://intranet/logo.png",
    "https://user:secret@cdn.example.com/logo.png",
    "file:///etc/passwd",
    "ftp://cdn.example.com/logo.png",
]


@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_unsafe_logo_urls_are_never_fetched(url: str) -> None:
    fetched = []
    with pytest.raises(BrandKitError) as caught:
        load_brand_kit(
            profile_row(NORTHWIND, logo_primary_url=url),
            [],
            lambda key: b"",
            fetch_url=fetched.append,
        )
    assert caught.value.field == "logo_primary_url"
    assert fetched == []


def test_public_logo_url_is_fetched_with_the_injected_fetcher(demo_media: Path) -> None:
    logo = next(r for r in asset_rows(NORTHWIND, demo_media) if r["asset_type"] == "logo")
    data = (demo_media / logo["file_path"]).read_bytes()
    fetched = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return data

    url = "https://cdn.example.com/northwind/logo.png"
    kit = load_brand_kit(
        profile_row(NORTHWIND, logo_primary_url=url), [], lambda key: b"", fetch_url=fetch
    )
    assert fetched == [url]
    assert kit.logo.source == "url" and kit.logo.reference == url


def test_logo_url_without_a_fetcher_is_a_clear_error() -> None:
    url = "https://cdn.example.com/logo.png"
    with pytest.raises(BrandKitError, match="fetching disabled") as caught:
        load_brand_kit(profile_row(NORTHWIND, logo_primary_url=url), [], lambda key: b"")
    assert caught.value.field == "logo_primary_url"


def test_brand_without_any_logo() -> None:
    profile = profile_row(NORTHWIND, logo_primary_url=None)
    with pytest.raises(BrandKitError, match="no logo") as caught:
        load_brand_kit(profile, [], lambda key: b"")
    assert caught.value.field == "logo"
    kit = load_brand_kit(profile, [], lambda key: b"", require_logo=False)
    assert kit.logo is None and any("no logo" in note for note in kit.warnings)


# ---- templates -----------------------------------------------------------------------------


def _zones(row: dict, key: str) -> list[dict]:
    return json.loads(row[key])


def test_zone_outside_the_canvas_names_the_zone() -> None:
    row = template_row(NORTHWIND, "instagram.feed_square")
    zones = _zones(row, "text_zones")
    zones[2]["width"] = 2000
    row["text_zones"] = as_json(zones)
    with pytest.raises(TemplateError) as caught:
        load_template(row)
    assert caught.value.field == "text_zones[2]"
    assert "'cta'" in str(caught.value) and "outside the 1080×1080 canvas" in str(caught.value)


def test_logo_zone_outside_the_canvas() -> None:
    row = template_row(NORTHWIND, "instagram.feed_square")
    zones = _zones(row, "image_zones")
    zones[0]["x"] = -10
    row["image_zones"] = as_json(zones)
    with pytest.raises(TemplateError, match="'logo'") as caught:
        load_template(row)
    assert caught.value.field == "image_zones[0]"


def test_story_text_in_the_ui_band_is_refused() -> None:
    row = template_row(NORTHWIND, "instagram.story")
    zones = _zones(row, "text_zones")
    zones[0]["y"] = 100  # inside the 250 px top overlay
    row["text_zones"] = as_json(zones)
    with pytest.raises(TemplateError, match="overlay") as caught:
        load_template(row)
    assert caught.value.field == "text_zones[0]"


def test_missing_template() -> None:
    with pytest.raises(TemplateError) as caught:
        load_template(None)
    assert caught.value.field == "template"


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("format_specifications", "{}", "format_specifications"),
        ("format_specifications", None, "format_specifications"),
        ("format_specifications", '{"width": 0, "height": 1080}', "format_specifications.width"),
        ("format_specifications", '{"width": 1080}', "format_specifications.height"),
        ("format_specifications", "{oops", "format_specifications"),
        ("text_zones", "[]", "text_zones"),
        (
            "text_zones",
            '[{"name": "headline", "x": 0, "y": 0, "width": -5, "height": 10}]',
            "text_zones[0].width",
        ),
        (
            "text_zones",
            '[{"name": "slogan", "x": 0, "y": 0, "width": 5, "height": 10}]',
            "text_zones[0].name",
        ),
        (
            "text_zones",
            '[{"name": "body", "x": 0, "y": 0, "width": 5, "height": 10, "align": "justify"}]',
            "text_zones[0].align",
        ),
        (
            "text_zones",
            '[{"name": "body", "x": 0, "y": 0, "width": 5, "height": 10}, '
            '{"name": "body", "x": 0, "y": 20, "width": 5, "height": 10}]',
            "text_zones[1].name",
        ),
        (
            "image_zones",
            '[{"name": "mascot", "x": 0, "y": 0, "width": 5, "height": 5}]',
            "image_zones[0].name",
        ),
        ("layout_config", '{"safe_area_px": {"top": -1}}', "layout_config.safe_area_px.top"),
        ("platform", "Instagram!", "platform"),
    ],
)
def test_malformed_templates_name_the_field(key: str, value, field: str) -> None:
    row = template_row(NORTHWIND, "instagram.feed_square")
    row[key] = value
    with pytest.raises(TemplateError) as caught:
        load_template(row)
    assert caught.value.field == field
    assert str(caught.value).startswith("template 'Northwind Coffee · Instagram feed square': ")
