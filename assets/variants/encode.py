"""Encoding under a byte limit: the highest quality that fits, usually in one encode.

Pillow encodes (the same libjpeg-turbo and libwebp as libvips, ~15 % faster
through Pillow here); libvips quantises PNG palettes. Metadata is never
written: no EXIF, XMP or ICC (sRGB is the web's default).

The search predicts before it encodes: a size model per source and format
(bits per pixel at a quality, learnt from the source's previous renditions,
times a typical size-versus-quality curve) says whether the ceiling fits —
the usual case, one encode — or which quality should just fit; known results
then bracket the answer, and bisection finishes it.
"""

import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyvips
from PIL import Image

# bytes at quality q relative to q75; medians measured on natural-ish and template images
CURVE_QS = tuple(range(30, 100, 5))
CURVES = {
    "jpeg": (0.465, 0.522, 0.568, 0.621, 0.665, 0.71, 0.764, 0.833, 0.912, 1.0, 1.148, 1.319,
             1.618, 2.231),
    "webp": (0.574, 0.619, 0.664, 0.703, 0.749, 0.793, 0.844, 0.888, 0.945, 1.0, 1.2, 1.539,
             2.034, 2.986),
    "png": tuple(0.4 + 0.6 * (q - 30) / 65 for q in CURVE_QS),
}  # fmt: skip
PRIOR_BPP_Q75 = {"jpeg": 1.0, "webp": 0.6, "png": 2.0}  # before a source has taught us better
SAFETY = 0.97  # aim a little under the limit: the model is a guess
PNG_LOSSLESS = 101  # the "quality" of a lossless PNG, above every palette quality


class RenditionError(ValueError):
    """A rendition that cannot be made (e.g. no quality fits the byte limit)."""


@dataclass(frozen=True)
class QualityPolicy:
    jpeg_max: int = 88
    webp_max: int = 85
    minimum: int = 30
    # libwebp "method": 1 encodes ~3x faster than 4 (libvips' default) at the same SSIM, for
    # ~10 % more bytes — WebP encoding is most of the work, and the limits are megabytes
    webp_effort: int = 1
    # baseline JPEG unless a deployment serves the files to browsers itself: the platforms
    # re-encode what they are given (progressive only helps a browser drawing the file over
    # a slow link), and baseline costs less than half to encode and to decode for the score
    # (libjpeg-turbo, 1080²: 5 vs 13 ms to encode, 2 vs 8 ms to decode the luma)
    progressive: bool = False

    def ceiling(self, fmt: str) -> int:
        return {"jpeg": self.jpeg_max, "webp": self.webp_max, "png": PNG_LOSSLESS}[fmt]


@dataclass(frozen=True)
class Encoded:
    data: bytes
    format: str
    quality: int | None  # None: lossless PNG
    passes: int
    compression_level: str


@dataclass
class SizeModel:
    """Bits per pixel at q75, per format, learnt from what this source already encoded."""

    bpp_q75: dict[str, float] = field(default_factory=dict)

    def predict(self, fmt: str, quality: int, pixels: int) -> float:
        bpp = self.bpp_q75.get(fmt, PRIOR_BPP_Q75[fmt])
        return bpp * pixels / 8 * _relative(fmt, quality)

    def learn(self, fmt: str, quality: int, pixels: int, size: int) -> None:
        self.bpp_q75[fmt] = size * 8 / pixels / _relative(fmt, quality)

    def best_guess(self, fmt: str, pixels: int, target: float, low: int, high: int) -> int:
        """The highest quality in [low, high] predicted to stay within ``target`` bytes."""
        for q in range(high, low - 1, -1):
            if self.predict(fmt, q, pixels) <= target:
                return q
        return low


def _relative(fmt: str, quality: int) -> float:
    curve = CURVES[fmt]
    q = min(max(quality, CURVE_QS[0]), CURVE_QS[-1])
    return math.exp(np.interp(q, CURVE_QS, np.log(curve)))


def to_pillow(image: pyvips.Image) -> Image.Image:
    return Image.fromarray(image.numpy(), "RGBA" if image.bands == 4 else "RGB")


def encode_at(
    picture: Image.Image,
    vips_image: pyvips.Image,
    fmt: str,
    quality: int,
    effort: int,
    progressive: bool = False,
):
    buffer = io.BytesIO()
    if fmt == "jpeg":
        picture.save(buffer, "JPEG", quality=quality, progressive=progressive, optimize=True)
    elif fmt == "webp":
        picture.save(buffer, "WEBP", quality=quality, method=effort)
    elif quality >= PNG_LOSSLESS:
        return vips_image.pngsave_buffer(compression=6, keep="none")
    else:
        return vips_image.pngsave_buffer(
            compression=6, palette=True, Q=quality, effort=3, keep="none"
        )
    return buffer.getvalue()


def encode_within(
    image: pyvips.Image,
    fmt: str,
    limit: int,
    policy: QualityPolicy,
    model: SizeModel,
    picture: Image.Image | None = None,
    made: dict | None = None,
) -> Encoded:
    """The highest quality of ``fmt`` (up to the policy's ceiling) whose bytes fit ``limit``.

    ``made`` ((format, quality) → bytes) holds what was already encoded from these very
    pixels at this policy: the encoders are deterministic, so a quality found there is not
    encoded again, and the search (and the size model) runs exactly as without it."""
    pixels = image.width * image.height
    picture = picture if picture is not None or fmt == "png" else to_pillow(image)
    low, high = policy.minimum, policy.ceiling(fmt)
    made = {} if made is None else made

    def encode(q: int) -> bytes:
        if (fmt, q) not in made:
            made[fmt, q] = encode_at(picture, image, fmt, q, policy.webp_effort, policy.progressive)
        return made[fmt, q]

    data, quality, passes = _search(encode, model, fmt, pixels, limit, low, high)
    if fmt == "png":
        level = "png-lossless" if quality >= PNG_LOSSLESS else f"png-palette-q{quality}"
        return Encoded(data, fmt, None if quality >= PNG_LOSSLESS else quality, passes, level)
    return Encoded(data, fmt, quality, passes, f"q{quality}")


def _search(encode: Callable[[int], bytes], model: SizeModel, fmt, pixels, limit, low, high):
    sizes: dict[int, int] = {}
    fits, fails = low - 1, high + 1  # highest quality known to fit, lowest known not to
    best = None
    q = model.best_guess(fmt, pixels, limit * SAFETY, low, high)
    while True:
        data = encode(q)
        sizes[q] = len(data)
        model.learn(fmt, q, pixels, len(data))  # anchors the model at the latest result
        if len(data) <= limit:
            fits, best = q, data
        else:
            fails = q
        if fails - fits <= 1:
            break
        if fits in sizes and fails in sizes and len(sizes) >= 3:
            # bracketed and the model has had its chances: interpolate on log size, then halve
            span = math.log(sizes[fails] / sizes[fits])
            q = fits + round(math.log(limit / sizes[fits]) / span * (fails - fits))
            if len(sizes) >= 4:
                q = (fits + fails) // 2
        else:
            # the model's boundary, anchored here; when it says "this one", check the next up
            q = model.best_guess(fmt, pixels, limit, fits, fails - 1)
            q = q if q > fits else fits + 1
        q = min(max(q, fits + 1), fails - 1)
    if best is None:
        raise RenditionError(
            f"{fmt.upper()} does not fit {limit:,} bytes even at quality {low} "
            f"({sizes[low]:,} bytes)"
        )
    return best, fits, len(sizes)
