"""Every placement of one source image, in JPEG (PNG with transparency) and WebP.

One decode (shrink-on-load as far as the largest placement allows), then per
placement: crop first, one Lanczos resample with libvips, encode with Pillow
under the byte limit, and score SSIM against an exact resize of the same frame.
"""

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyvips
from PIL import Image

from assets.placements import Placement
from assets.variants import similarity
from assets.variants.crops import (
    MARGIN,
    MISFIT_POLICIES,
    Frame,
    Insets,
    Zone,
    cover_size,
    plan_frame,
)
from assets.variants.decode import MAX_PIXELS, Source, load_source, read_header
from assets.variants.encode import QualityPolicy, SizeModel, encode_within
from assets.variants.focus import INTERESTING, Focus

KERNEL = "lanczos3"
FEATHER = 10.0  # px: how softly the edge fill meets the picture (a ramp outside it)


@dataclass(frozen=True)
class RenderOptions:
    misfit: str = "extend"  # zones that no cover crop holds: "extend" the frame, or "crop"
    interesting: str = "attention"  # framing without zones: attention | entropy | centre
    quality: QualityPolicy = field(default_factory=QualityPolicy)
    max_pixels: int = MAX_PIXELS
    margin: float = MARGIN

    def __post_init__(self) -> None:
        if self.misfit not in MISFIT_POLICIES:
            raise ValueError(f"misfit must be one of {MISFIT_POLICIES}, got {self.misfit!r}")
        if self.interesting not in INTERESTING:
            raise ValueError(f"interesting must be one of {INTERESTING}, got {self.interesting!r}")


@dataclass(frozen=True)
class Rendition:
    platform: str
    placement: str
    format: str
    width: int
    height: int
    data: bytes
    quality: int | None
    compression_level: str
    quality_score: float
    optimization: dict

    @property
    def aspect_ratio(self) -> str:
        divisor = math.gcd(self.width, self.height)
        return f"{self.width // divisor}:{self.height // divisor}"

    @property
    def extension(self) -> str:
        return "jpg" if self.format == "jpeg" else self.format


@dataclass(frozen=True)
class RenderedSource:
    renditions: tuple[Rendition, ...]
    notes: tuple[str, ...]
    source: dict
    seconds: float


def formats_for(has_alpha: bool) -> tuple[str, ...]:
    return ("png" if has_alpha else "jpeg", "webp")


def render_variants(
    data: bytes,
    placements: Sequence[Placement],
    zones: Sequence[Zone] = (),
    options: RenderOptions | None = None,
    *,
    zone_canvas: tuple[int, int] | None = None,
) -> RenderedSource:
    """Render ``placements`` of the image ``data``.

    ``zones`` are in the displayed image's pixels, or on a ``zone_canvas`` (width, height)
    that is stretched over the image (a template's canvas over its rendered master).
    """
    options = options or RenderOptions()
    started = time.perf_counter()
    header = read_header(data, options.max_pixels)
    size = (header.width, header.height)
    if zone_canvas:
        sx, sy = header.width / zone_canvas[0], header.height / zone_canvas[1]
        zones = [zone.scaled(sx, sy) for zone in zones]
    frames = {p.key: _plan(p, size, zones, options) for p in placements}
    needed = max(p.width / frames[p.key].width for p in placements)
    source = load_source(data, header, needed)
    if not zones:
        focus = Focus(source.image, options.interesting)
        frames = {p.key: _plan(p, size, zones, options, focus, source) for p in placements}
    model = SizeModel()
    renditions = []
    for placement in placements:
        renditions += _render_placement(source, placement, frames[placement.key], options, model)
    info = {
        "format": header.format,
        "width": header.width,
        "height": header.height,
        "shrink_on_load": source.shrink_on_load,
        "transparency": source.has_alpha,
    }
    return RenderedSource(tuple(renditions), source.notes, info, time.perf_counter() - started)


def _plan(placement, size, zones, options, focus=None, source=None) -> Frame:
    target = (placement.width, placement.height)
    point = None
    if focus is not None and source is not None:
        sx, sy = source.scale
        cw, ch = cover_size(size[0], size[1], placement.width / placement.height)
        found = focus.centre(cw * sx, ch * sy)
        point = (found[0] / sx, found[1] / sy) if found else None
    return plan_frame(
        size,
        target,
        zones,
        Insets.of(placement.safe_area_px),
        misfit=options.misfit,
        focus=point,
        focus_label=options.interesting,
        margin=options.margin,
    )


def _render_placement(
    source: Source, placement: Placement, frame: Frame, options: RenderOptions, model: SizeModel
) -> list[Rendition]:
    started = time.perf_counter()
    out = (placement.width, placement.height)
    picture = compose(source, frame, out)
    scale = placement.width / frame.width  # output pixels per original pixel
    shrink = scale / source.scale[0]  # the resample's own factor
    # below 0.5 libvips box-shrinks before Lanczos; the reference must not take that shortcut
    pixels = picture.numpy()
    already_exact = shrink >= 0.5
    reference_pixels = pixels if already_exact else compose(source, frame, out, exact=True).numpy()
    pillow = Image.fromarray(pixels, "RGBA" if picture.bands == 4 else "RGB")
    renditions = []
    for fmt in formats_for(source.has_alpha):
        limit = placement.max_bytes
        encoded = encode_within(picture, fmt, limit, options.quality, model, pillow)
        score = similarity.ssim(reference_pixels, similarity.decode(encoded.data))
        optimization = {
            "crop": frame.as_dict(),
            "scale": round(scale, 4),
            "resize": {"kernel": KERNEL, "shrink_on_load": source.shrink_on_load},
            "quality": encoded.quality,
            "encode_passes": encoded.passes,
            "byte_limit": placement.max_bytes,
            "format_accepted_by_platform": fmt in placement.formats,
            "metadata": "stripped",
            "colour": "sRGB",
            "ssim": f"luma, {similarity.GRID}x{similarity.GRID} tiles of {similarity.TILE} px",
            "source_notes": list(source.notes),
            **({"progressive": True} if fmt == "jpeg" else {}),
            **({"webp_effort": options.quality.webp_effort} if fmt == "webp" else {}),
        }
        renditions.append(
            Rendition(
                platform=placement.platform,
                placement=placement.placement,
                format=fmt,
                width=placement.width,
                height=placement.height,
                data=encoded.data,
                quality=encoded.quality,
                compression_level=encoded.compression_level,
                quality_score=round(score, 4),
                optimization=optimization,
            )
        )
    elapsed = round((time.perf_counter() - started) * 1000)
    for rendition in renditions:
        rendition.optimization["placement_ms"] = elapsed
    return renditions


def compose(source: Source, frame: Frame, out: tuple[int, int], *, exact: bool = False):
    """The frame at ``out`` pixels: crop, one resample, edge fill where it leaves the source."""
    image = source.image
    sx, sy = source.scale
    fx, fy, fw, fh = frame.x * sx, frame.y * sy, frame.width * sx, frame.height * sy
    width, height = out
    hscale, vscale = width / fw, height / fh
    # the part of the frame inside the image, plus room for the kernel
    pad = 4 / min(hscale, vscale, 1.0)
    x0, y0 = max(0, math.floor(max(fx, 0) - pad)), max(0, math.floor(max(fy, 0) - pad))
    x1 = min(image.width, math.ceil(min(fx + fw, image.width) + pad))
    y1 = min(image.height, math.ceil(min(fy + fh, image.height) + pad))
    part = image.crop(x0, y0, x1 - x0, y1 - y0).resize(
        hscale, vscale=vscale, kernel=KERNEL, gap=0.0 if exact else 2.0
    )
    left, top = round((x0 - fx) * hscale), round((y0 - fy) * vscale)
    canvas = part.embed(left, top, width, height, extend="copy")
    inside = (
        round((max(fx, 0) - fx) * hscale),
        round((max(fy, 0) - fy) * vscale),
        round((min(fx + fw, image.width) - fx) * hscale),
        round((min(fy + fh, image.height) - fy) * vscale),
    )
    if inside != (0, 0, width, height) and frame.fill_fraction > 0:
        canvas = _soft_fill(canvas, inside)
    return canvas.copy_memory()


def _soft_fill(canvas: pyvips.Image, inside: tuple[int, int, int, int]) -> pyvips.Image:
    """Blur the copied-edge bands outside ``inside`` (left, top, right, bottom) so they read
    as a continuation of the background rather than streaks."""
    width, height = canvas.width, canvas.height
    soft = canvas.resize(1 / 8).gaussblur(6).resize(8, kernel="linear")
    soft = soft.embed(0, 0, width, height, extend="copy")
    # grown a little, so the blur's ramp falls on the copied edge, not on the picture
    grow = round(2.5 * FEATHER)
    left, top = max(0, inside[0] - grow), max(0, inside[1] - grow)
    right, bottom = min(width, inside[2] + grow), min(height, inside[3] + grow)
    mask = pyvips.Image.black(width, height).draw_rect(
        255, left, top, max(1, right - left), max(1, bottom - top), fill=True
    )
    mask = mask.gaussblur(FEATHER).cast("uchar")
    return mask.ifthenelse(canvas, soft, blend=True).cast("uchar")
