"""A labelled compliance corpus, made by code: on-brand renders and degraded copies.

On-brand images are the real renderer's output (assets/rendering) over the local
provider's backgrounds, for the demo brands. Each degraded copy breaks exactly one
brand rule and keeps the render metadata a renderer would have reported:

| degradation | how | fails |
| --- | --- | --- |
| off_palette | recoloured at constant L*: hue turned 180°, greys tinted | palette_adherence |
| logo_removed | rendered again without the logo | logo |
| logo_shrunk | the logo drawn at 30 % of its size, centred in its zone | logo |
| low_contrast | the headline redrawn in its backdrop's hue at 1.4:1 | text_contrast |
| text_in_overlay | the call to action moved into the story's bottom UI band | safe_zones |
| wrong_size | scaled to two thirds: right aspect, wrong pixel size | platform_fit |

The logo is kept as it was in the off-palette copy; the overlay one exists for stories.
Recolouring at constant L* keeps every pixel's WCAG luminance (Y depends on L* only),
so the off-palette copy keeps its text contrast and its logo's luminance pattern.

    python -m tests.compliance_corpus OUTDIR   # writes the images and labels.json, to look at
"""

import io
import json
import sys
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np
from coloraide import Color
from PIL import Image

from assets.brand_kits import BrandKit, TemplateSpec
from assets.brand_kits.geometry import Box
from assets.compliance.delta_e import EPSILON, KAPPA, srgb_to_lab, srgb_to_xyz_matrix
from assets.compliance.images import NormalisedImage
from assets.rendering import render_template
from assets.rendering import text_zones as tz
from assets.rendering.contrast import Ink, contrast_ratio, luminance
from assets.rendering.layers import place_logo, rounded_mask
from core.generation import ImageSpec
from core.placements import Placement, all_placements
from resources.local_provider import LocalProvider
from socialpipe.demo.brands import BRANDS, DemoBrand
from tests.test_brand_kits import demo_kit, demo_template

DEGRADATIONS = {
    "off_palette": "palette_adherence",
    "logo_removed": "logo",
    "logo_shrunk": "logo",
    "low_contrast": "text_contrast",
    "text_in_overlay": "safe_zones",
    "wrong_size": "platform_fit",
}
PLACEMENTS = ("instagram.feed_portrait", "instagram.story", "linkedin.post")
TEXTS = {
    "northwind-coffee": {
        "headline": "Slow mornings, single-origin pour-overs",
        "body": "Our Ethiopian Yirgacheffe lands this week: bright, floral, a jasmine finish.",
        "cta": "Order ahead",
    },
    "northwind-reserve": {
        "headline": "Lot 17: a Gesha worth the wait",
        "body": "Washed, 1,900 m, notes of bergamot and white peach. 300 bags only.",
        "cta": "Reserve a bag",
    },
    "lumen-fitness": {
        "headline": "Your first class is on us",
        "body": "Strength, cycle and yoga, all levels, every day from 6 am.",
        "cta": "Book now",
    },
}
LOGO_SHRINK = 0.3
MIN_CHROMA = 40.0
FAINT_CONTRAST = 1.4
SIZE_FACTOR = 2 / 3


@dataclass(frozen=True)
class Render:
    """An on-brand render and what it was made from, to re-render parts of it."""

    brand: str
    kit: BrandKit
    template: TemplateSpec
    placement: Placement
    background: Image.Image
    texts: dict
    image: Image.Image
    metadata: dict

    def again(self, *, kit: BrandKit | None = None, **texts: str) -> Image.Image:
        return render_template(
            self.background, kit or self.kit, self.template, {**self.texts, **texts}
        ).image


@dataclass(frozen=True)
class Sample:
    name: str  # brand/placement/degradation
    brand: str
    kit: BrandKit
    placement: Placement
    image: Image.Image
    metadata: dict = field(repr=False)
    degradation: str | None = None

    @property
    def expected_failure(self) -> str | None:
        return DEGRADATIONS.get(self.degradation) if self.degradation else None

    @cached_property
    def png(self) -> bytes:
        buffer = io.BytesIO()
        self.image.save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue()

    def as_file(self) -> NormalisedImage:
        """The image as scoring sees its PNG file, without decoding the PNG again."""
        return NormalisedImage(self.image, "png", len(self.png), "RGB")


def background(kit: BrandKit, template: TemplateSpec, seed: int) -> Image.Image:
    spec = ImageSpec(
        prompt="",
        width=template.width,
        height=template.height,
        size_name="square_1_1",
        seed=seed,
        palette=kit.image_palette(),
    )
    (made,) = LocalProvider().generate(
        spec, on_call=lambda call: None, before_billable_call=lambda n: None
    )
    return Image.open(io.BytesIO(made.data)).convert("RGB")


def on_brand(brand: DemoBrand, placement_key: str, media: Path, seed: int = 11) -> Render:
    kit = demo_kit(brand, media)
    template = demo_template(brand, placement_key)
    placement = next(p for p in all_placements() if p.key == placement_key)
    backdrop = background(kit, template, seed)
    texts = TEXTS[brand.key]
    result = render_template(backdrop, kit, template, texts)
    return Render(
        brand.key, kit, template, placement, backdrop, texts, result.image, result.metadata
    )


# ---- off-palette: hue turned at constant lightness ---------------------------------------


def _lab_to_linear(lab: np.ndarray) -> np.ndarray:
    matrix, white = srgb_to_xyz_matrix()
    fy = (lab[..., 0] + 16) / 116
    fx, fz = fy + lab[..., 1] / 500, fy - lab[..., 2] / 200

    def inverse(f: np.ndarray) -> np.ndarray:
        return np.where(f**3 > EPSILON, f**3, (116 * f - 16) / KAPPA)

    xyz = np.stack([inverse(fx), inverse(fy), inverse(fz)], axis=-1) * white
    return xyz @ np.linalg.inv(matrix).T


def _in_gamut(linear: np.ndarray) -> np.ndarray:
    return ((linear >= -1e-9) & (linear <= 1 + 1e-9)).all(axis=-1)


def recolour(rgb: np.ndarray) -> np.ndarray:
    """Colours (n, 3) moved off-brand at constant L*: hue turned 180°, chroma at least
    MIN_CHROMA (near-greys get a blue tint), cut back only where out of gamut."""
    lab = srgb_to_lab(rgb)
    chroma = np.hypot(lab[:, 1], lab[:, 2])
    hue = np.where(chroma >= 5, np.arctan2(lab[:, 2], lab[:, 1]) + np.pi, np.radians(250))
    chroma = np.maximum(chroma, MIN_CHROMA)
    a, b = chroma * np.cos(hue), chroma * np.sin(hue)
    low, high = np.zeros(len(lab)), np.ones(len(lab))
    for _ in range(10):  # bisect the largest chroma scale that stays in gamut (to 0.1 %)
        middle = (low + high) / 2
        inside = _in_gamut(_lab_to_linear(np.stack([lab[:, 0], a * middle, b * middle], -1)))
        low, high = np.where(inside, middle, low), np.where(inside, high, middle)
    full = _in_gamut(_lab_to_linear(np.stack([lab[:, 0], a, b], -1)))
    scale = np.where(full, 1.0, low)
    linear = np.clip(_lab_to_linear(np.stack([lab[:, 0], a * scale, b * scale], -1)), 0, 1)
    encoded = np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)
    return np.clip(np.rint(encoded * 255), 0, 255).astype(np.uint8)


def off_palette(render: Render) -> tuple[Image.Image, dict]:
    pixels = np.asarray(render.image).astype(np.uint32)
    packed = (pixels[..., 0] << 16) | (pixels[..., 1] << 8) | pixels[..., 2]
    colours, index = np.unique(packed.ravel(), return_inverse=True)
    rgb = np.stack([(colours >> 16) & 255, (colours >> 8) & 255, colours & 255], axis=-1)
    image = Image.fromarray(recolour(rgb)[index.ravel()].reshape(pixels.shape), "RGB")
    # the brand mark itself stays as it was
    logo = Box(**render.metadata["logo"]["box"])
    mask = render.kit.logo.image().resize((logo.width, logo.height), Image.Resampling.LANCZOS)
    image.paste(render.image.crop(logo.corners), (logo.x, logo.y), mask.getchannel("A"))
    return image, render.metadata


# ---- logo ---------------------------------------------------------------------------------


def logo_removed(render: Render) -> tuple[Image.Image, dict]:
    return render.again(kit=render.kit.model_copy(update={"logo": None})), render.metadata


def logo_shrunk(render: Render) -> tuple[Image.Image, dict]:
    image, _ = logo_removed(render)
    zone = Box(**render.metadata["logo"]["zone"])
    width, height = round(zone.width * LOGO_SHRINK), round(zone.height * LOGO_SHRINK)
    small = Box(
        x=zone.x + (zone.width - width) // 2,
        y=zone.y + (zone.height - height) // 2,
        width=width,
        height=height,
    )
    place_logo(image, render.kit.logo.image(), small, "contain")
    return image, render.metadata


# ---- text ---------------------------------------------------------------------------------


def _faint_ink(canvas: Image.Image, area: Box) -> Ink:
    """The backdrop's own colour with its lightness moved until it contrasts 1.4:1 with
    most of the backdrop: visible, barely, in the backdrop's hue (so on-palette)."""
    pixels = np.asarray(canvas.crop(area.corners)).reshape(-1, 3)
    levels = luminance(pixels)
    typical = float(np.median(levels))
    mean = pixels[np.abs(levels - typical) <= 0.02].mean(axis=0) / 255
    lab = Color("srgb", list(mean)).convert("lab-d65")
    lighter = typical < 0.18  # dark backdrops get lighter text
    low, high = (lab["lightness"], 100.0) if lighter else (0.0, lab["lightness"])
    for _ in range(30):
        middle = (low + high) / 2
        rgb = np.array(lab.clone().set("lightness", middle).convert("srgb").fit().coords())
        ratio = contrast_ratio(float(luminance(np.rint(rgb * 255))), typical)
        if (ratio < FAINT_CONTRAST) == lighter:
            low = middle
        else:
            high = middle
    rgb = tuple(int(v) for v in np.clip(np.rint(rgb * 255), 0, 255))
    return Ink("#{:02X}{:02X}{:02X}".format(*rgb), rgb, ratio, ratio, False)


def low_contrast(render: Render) -> tuple[Image.Image, dict]:
    image = render.again(headline="")
    zone = render.template.text_zone("headline")
    text, _ = tz.clean(render.texts["headline"], tz.TEXT_LIMITS["headline"])
    placed = tz.place(
        tz.fit_zone(zone, render.kit, text, zone, None), zone, zone.align, zone.valign
    )
    ink = _faint_ink(image, placed.ink)
    tz.draw_lines(image, placed, ink)
    metadata = json.loads(json.dumps(render.metadata))
    metadata["text_zones"]["headline"].update(
        text_box=placed.ink.as_dict(),
        font_size=placed.fitted.size,
        text_color=ink.hex,
        contrast_ratio=round(ink.worst_contrast, 3),
        scrim=None,
    )
    return image, metadata


def _shifted(record: dict, dy: int) -> dict:
    return {**record, "y": record["y"] + dy}


def text_in_overlay(render: Render) -> tuple[Image.Image, dict] | None:
    band = render.placement.safe_area_px.get("bottom", 0)
    if not band:
        return None  # only placements with UI overlays have somewhere to move it
    cta = render.metadata["text_zones"]["cta"]
    pill = Box(**cta["pill"])
    new_y = render.placement.height - band + (band - pill.height) // 2
    image = render.again(cta="")
    mask = rounded_mask(pill.width, pill.height, pill.height // 2)
    image.paste(render.image.crop(pill.corners), (pill.x, new_y), mask)
    dy = new_y - pill.y
    metadata = json.loads(json.dumps(render.metadata))
    record = metadata["text_zones"]["cta"]
    for key in ("zone", "text_box", "pill"):
        record[key] = _shifted(record[key], dy)
    return image, metadata


# ---- size ---------------------------------------------------------------------------------


def wrong_size(render: Render) -> tuple[Image.Image, dict]:
    size = (round(render.image.width * SIZE_FACTOR), round(render.image.height * SIZE_FACTOR))
    return render.image.resize(size, Image.Resampling.LANCZOS), render.metadata


MAKERS = {
    "off_palette": off_palette,
    "logo_removed": logo_removed,
    "logo_shrunk": logo_shrunk,
    "low_contrast": low_contrast,
    "text_in_overlay": text_in_overlay,
    "wrong_size": wrong_size,
}


def samples_of(render: Render) -> list[Sample]:
    """The on-brand render and each degraded copy of it that applies."""
    base = Sample(
        name=f"{render.brand}/{render.placement.key}/on_brand",
        brand=render.brand,
        kit=render.kit,
        placement=render.placement,
        image=render.image,
        metadata=render.metadata,
    )
    samples = [base]
    for kind, make in MAKERS.items():
        made = make(render)
        if made is not None:
            image, metadata = made
            name = f"{render.brand}/{render.placement.key}/{kind}"
            samples.append(
                replace(base, name=name, image=image, metadata=metadata, degradation=kind)
            )
    return samples


def build_corpus(
    media: Path, brands=BRANDS, placements: tuple[str, ...] = PLACEMENTS
) -> list[Sample]:
    return [
        sample
        for brand in brands
        for key in placements
        for sample in samples_of(on_brand(brand, key, media))
    ]


def write_corpus(folder: Path, samples: list[Sample]) -> Path:
    """Each sample as PNG, plus labels.json naming its degradation and expected failure."""
    folder.mkdir(parents=True, exist_ok=True)
    labels = []
    for sample in samples:
        file = sample.name.replace("/", "__") + ".png"
        (folder / file).write_bytes(sample.png)
        labels.append(
            {
                "file": file,
                "brand": sample.brand,
                "placement": sample.placement.key,
                "degradation": sample.degradation,
                "expected_failure": sample.expected_failure,
                "render_metadata": sample.metadata,
            }
        )
    labels_file = folder / "labels.json"
    labels_file.write_text(json.dumps(labels, indent=1))
    return labels_file


if __name__ == "__main__":
    import tempfile

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "compliance-corpus")
    with tempfile.TemporaryDirectory() as media:
        print(write_corpus(out, build_corpus(Path(media))))
