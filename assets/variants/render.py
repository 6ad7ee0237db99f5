"""Every placement of one source image, in JPEG (PNG with transparency) and WebP.

One decode (shrink-on-load as far as the largest placement allows), then per
placement: crop first, one Lanczos resample with libvips on the crop box's exact
edges, encode with Pillow under the byte limit, and score SSIM against an independent
reference (Pillow's Lanczos of the recorded crop box, assets/variants/reference.py).
"""

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import pyvips
from PIL import Image

from assets.variants import reference, similarity
from assets.variants.crops import (
    MARGIN,
    MISFIT_POLICIES,
    Corner,
    Frame,
    Insets,
    Zone,
    cover_size,
    plan_frame,
)
from assets.variants.decode import MAX_PIXELS, Source, load_source, read_header
from assets.variants.encode import QualityPolicy, SizeModel, encode_within
from assets.variants.focus import INTERESTING, Focus
from core.placements import Placement

KERNEL = "lanczos3"
FEATHER = 10.0  # px: how softly the picture fades into the fill (a ramp across its edge)
FILL_REDUCE = 1 / 16  # the fill is blurred at this scale: a wide blur for little work
FILL_BLUR = 8.0  # σ at that scale (≈ 128 px at full size): no detail, no ghost of a zone
FILL_DARKEN = 0.88  # the fill recedes behind the picture
# past this many output pixels per source pixel a rendition is visibly soft: said so
ENLARGEMENT_NOTE = 4.0


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
    original = reference.source_image(source.image.numpy())
    originals = (original, reference.source_luma(original))
    shared: dict = {}  # placements with the same frame and size: one picture (_Picture)
    for placement in placements:
        frame = frames[placement.key]
        renditions += _render_placement(source, originals, placement, frame, options, model, shared)
    notes = source.notes + _enlargement_notes(header, placements, frames)
    info = {
        "format": header.format,
        "width": header.width,
        "height": header.height,
        "shrink_on_load": source.shrink_on_load,
        "transparency": source.has_alpha,
    }
    return RenderedSource(tuple(renditions), notes, info, time.perf_counter() - started)


def _enlargement_notes(header, placements: Sequence[Placement], frames: dict) -> tuple[str, ...]:
    """A note when some placement enlarges the source past ENLARGEMENT_NOTE (a 1×4000 strip
    as a square: ×1080), naming the worst; the renditions are made all the same."""
    scales = {p.key: p.width / frames[p.key].width for p in placements}
    worst = max(scales, key=scales.get)
    if scales[worst] <= ENLARGEMENT_NOTE:
        return ()
    return (
        f"the {header.width}×{header.height} source is enlarged up to "
        f"{scales[worst]:.0f}× ({worst}): expect soft renditions",
    )


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
        corners=[Corner(o.name, o.corner, o.width, o.height) for o in placement.overlays_px],
        misfit=options.misfit,
        focus=point,
        focus_label=options.interesting,
        margin=options.margin,
    )


@dataclass
class _Picture:
    """A frame composed at an output size, with its reference and what was encoded and
    scored from it. Placements that frame the source alike at one size (a 1080² feed on
    Instagram and on Facebook, a 1200×628 link on Facebook and LinkedIn) share it: the
    same pixels give the same bytes at a quality and the same score, so those are made
    once; each placement still runs its own byte-limit search and records its own crop."""

    picture: pyvips.Image
    used: Frame
    pillow: Image.Image
    origins: list
    expected: similarity.Reference
    encoded: dict = field(default_factory=dict)  # (format, quality) → bytes
    scores: dict = field(default_factory=dict)  # bytes → quality_score


def _shared_picture(source, originals, frame: Frame, out, shared: dict) -> _Picture:
    key = (frame.x, frame.y, frame.width, frame.height, frame.fill_fraction, out)
    if key not in shared:
        picture, used = compose(source, frame, out)
        pixels = picture.numpy()
        origins = similarity.tile_origins(*out)
        # one reference per picture, its blurred statistics shared by every format
        expected = similarity.Reference(
            reference.reference_luma(*originals, used, source.scale, out, pixels, origins)
        )
        pillow = Image.fromarray(pixels, "RGBA" if picture.bands == 4 else "RGB")
        shared[key] = _Picture(picture, used, pillow, origins, expected)
    return shared[key]


def _render_placement(
    source: Source,
    originals: tuple[Image.Image, Image.Image | None],
    placement: Placement,
    frame: Frame,
    options: RenderOptions,
    model: SizeModel,
    shared: dict | None = None,
) -> list[Rendition]:
    started = time.perf_counter()
    out = (placement.width, placement.height)
    made = _shared_picture(source, originals, frame, out, {} if shared is None else shared)
    # this placement's own frame (its strategy, zones, corners), at the resampled edges
    geometry = {k: getattr(made.used, k) for k in ("x", "y", "width", "height")}
    used = replace(frame, **geometry)
    scale = placement.width / frame.width  # output pixels per original pixel
    renditions = []
    for fmt in formats_for(source.has_alpha):
        limit = placement.max_bytes
        encoded = encode_within(
            made.picture, fmt, limit, options.quality, model, made.pillow, made.encoded
        )
        if encoded.data not in made.scores:
            # scored from the bytes just encoded (never a second read), at the reference's tiles
            made.scores[encoded.data] = made.expected.score(
                similarity.luma_tiles(encoded.data, made.origins)
            )
        score = made.scores[encoded.data]
        optimization = {
            "crop": used.as_dict(),
            # the share of the output's pixels that are fill, not picture (checked, shown)
            "fill_share": fill_share(used, source.width, source.height),
            "scale": round(scale, 4),
            "resize": {"kernel": KERNEL, "shrink_on_load": source.shrink_on_load},
            "quality": encoded.quality,
            "encode_passes": encoded.passes,
            "byte_limit": placement.max_bytes,
            "format_accepted_by_platform": fmt in placement.formats,
            "metadata": "stripped",
            "colour": "sRGB",
            "ssim": f"luma, {similarity.GRID}x{similarity.GRID} tiles of {similarity.TILE} px, "
            f"every {similarity.STEP}rd window, against Pillow's Lanczos of the crop box",
            "source_notes": list(source.notes),
            **({"progressive": options.quality.progressive} if fmt == "jpeg" else {}),
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


@dataclass(frozen=True)
class _Axis:
    """One axis of the resample: the source span read, and where it lands in the output."""

    start: int  # first source pixel read
    stop: int  # one past the last
    scale: float  # output pixels per source pixel, as the resample applies it
    offset: float  # output position of the span's first pixel edge
    edge: float  # the frame's first edge, in source pixels, as resampled
    length: float  # the frame's length, in source pixels, as resampled


def _axis(edge: float, length: float, out: int, size: int, pad: float, downscale: bool) -> _Axis:
    """Where the frame's real-valued edges fall. libvips reduces a span of W source pixels
    to round(W * scale) pixels, exactly on pixel centres only when W * scale is whole; so a
    reduction runs at N / W (N whole) and the frame is moved and sized by under half an
    output pixel to lie on that lattice. An enlargement (affine) takes any real offset."""
    start = max(0, math.floor(max(edge, 0) - pad))
    stop = min(size, math.ceil(min(edge + length, size) + pad))
    scale = out / length
    if not downscale:
        return _Axis(start, stop, scale, (start - edge) * scale, edge, length)
    scale = max(1, round((stop - start) * scale)) / (stop - start)
    steps = round((start - edge) * scale)
    return _Axis(start, stop, scale, steps, start - steps / scale, out / scale)


def fill_share(frame: Frame, width: float, height: float) -> float:
    """The share of ``frame`` (original pixels) that lies outside the width × height image."""
    inside_w = max(0.0, min(frame.x + frame.width, width) - max(frame.x, 0.0))
    inside_h = max(0.0, min(frame.y + frame.height, height) - max(frame.y, 0.0))
    share = 1 - inside_w * inside_h / (frame.width * frame.height)
    # a frame on the image's edge may overhang it by a rounding error: that is no fill
    return round(share, 4) if share > 1e-4 else 0.0


def compose(
    source: Source, frame: Frame, out: tuple[int, int], *, exact: bool = False
) -> tuple[pyvips.Image, Frame]:
    """The frame at ``out`` pixels: crop, one resample, edge fill where it leaves the source;
    and the frame as resampled (its real-valued box: what an independent reference uses)."""
    image = source.image
    sx, sy = source.scale
    width, height = out
    fw, fh = frame.width * sx, frame.height * sy
    downscale = width / fw < 1 and height / fh < 1
    pad = 4 / min(width / fw, height / fh, 1.0)  # room for the kernel
    h = _axis(frame.x * sx, fw, width, image.width, pad, downscale)
    v = _axis(frame.y * sy, fh, height, image.height, pad, downscale)
    part = image.crop(h.start, v.start, h.stop - h.start, v.stop - v.start)
    if downscale:
        part = part.resize(h.scale, vscale=v.scale, kernel=KERNEL, gap=0.0 if exact else 2.0)
        canvas = part.embed(round(h.offset), round(v.offset), width, height, extend="copy")
    else:
        # pixel centres: output i + 0.5 sits at scale * (source x + 0.5) + offset
        canvas = part.affine(
            [h.scale, 0, 0, v.scale],
            interpolate=pyvips.Interpolate.new("bicubic"),
            odx=h.offset + (h.scale - 1) / 2,
            ody=v.offset + (v.scale - 1) / 2,
            oarea=[0, 0, width, height],
            extend="copy",
        )
    used = replace(frame, x=h.edge / sx, y=v.edge / sy, width=h.length / sx, height=v.length / sy)
    fx, fy = h.edge, v.edge
    inside = (
        round((max(fx, 0) - fx) * h.scale),
        round((max(fy, 0) - fy) * v.scale),
        round((min(fx + h.length, image.width) - fx) * h.scale),
        round((min(fy + v.length, image.height) - fy) * v.scale),
    )
    if inside != (0, 0, width, height) and frame.fill_fraction > 0:
        canvas = _soft_fill(canvas, inside)
    return canvas.copy_memory(), used


def _soft_fill(canvas: pyvips.Image, inside: tuple[int, int, int, int]) -> pyvips.Image:
    """Fill outside ``inside`` (left, top, right, bottom) with a blurred, darkened copy of
    the picture scaled to cover the whole output: no copied edge pixels, so no streaks,
    and the picture fades into it over a few pixels inside its edge, so no seam."""
    width, height = canvas.width, canvas.height
    left, top, right, bottom = inside
    picture = canvas.crop(left, top, max(1, right - left), max(1, bottom - top))
    cover = max(width / picture.width, height / picture.height)
    backdrop = picture.resize(cover * FILL_REDUCE, kernel="linear")
    backdrop = backdrop.gaussblur(FILL_BLUR).resize(1 / FILL_REDUCE, kernel="linear")
    backdrop = backdrop.crop(
        max(0, (backdrop.width - width) // 2),
        max(0, (backdrop.height - height) // 2),
        min(width, backdrop.width),
        min(height, backdrop.height),
    ).embed(0, 0, width, height, extend="copy")
    backdrop = backdrop.linear(FILL_DARKEN, 0)
    # a short ramp centred on the sides that meet fill (a few pixels of the picture's
    # edge fade, a few copied ones show faintly); a side on the output's border keeps
    # the picture whole
    inset = round(2 * FEATHER)
    x0 = left if left > 0 else -inset
    y0 = top if top > 0 else -inset
    x1 = right if right < width else width + inset
    y1 = bottom if bottom < height else height + inset
    mask = pyvips.Image.black(width + 4 * inset, height + 4 * inset).draw_rect(
        255, x0 + 2 * inset, y0 + 2 * inset, max(1, x1 - x0), max(1, y1 - y0), fill=True
    )
    mask = mask.gaussblur(FEATHER / 2).crop(2 * inset, 2 * inset, width, height).cast("uchar")
    return mask.ifthenelse(canvas, backdrop, blend=True).cast("uchar")
