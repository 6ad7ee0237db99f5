"""Decode a source image once: header checks, shrink-on-load, sRGB, upright.

Untrusted bytes only reach the decoders of the formats we accept (sniffed from
the magic bytes), and only after the header passed the pixel limit. The
decoded image is sRGB, 8 bits per band, EXIF orientation applied, with an
alpha band only when some pixel is actually transparent.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass

import pyvips

MAX_PIXELS = 100_000_000
ORIENTATION_SWAPS = (5, 6, 7, 8)  # EXIF orientations that turn the image by 90°


class VariantInputError(ValueError):
    """The source image cannot be used; the message says why, in words for its owner."""


@dataclass(frozen=True)
class Header:
    format: str
    width: int  # as displayed: after the EXIF orientation
    height: int
    orientation: int
    pages: int


@dataclass(frozen=True)
class Source:
    image: pyvips.Image  # sRGB uchar, upright, in memory; 4 bands only with transparency
    width: int  # the original's displayed size: zones and frames are in these pixels
    height: int
    has_alpha: bool
    shrink_on_load: int
    notes: tuple[str, ...]

    @property
    def scale(self) -> tuple[float, float]:
        """Decoded pixels per original pixel, per axis."""
        return self.image.width / self.width, self.image.height / self.height


def _loader(data: bytes) -> tuple[str, Callable]:
    head = data[:16]
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg", pyvips.Image.jpegload_buffer
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png", pyvips.Image.pngload_buffer
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp", pyvips.Image.webpload_buffer
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif", pyvips.Image.gifload_buffer
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff", pyvips.Image.tiffload_buffer
    raise VariantInputError("not a JPEG, PNG, WebP, GIF or TIFF image (unrecognised header)")


def _vips_reason(error: pyvips.Error) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return "; ".join(dict.fromkeys(lines[1:] or lines))[:300]


def read_header(data: bytes, max_pixels: int = MAX_PIXELS) -> Header:
    """The header only (no pixels decoded); refuses empty, unknown and oversized images."""
    if not data:
        raise VariantInputError("empty file (0 bytes)")
    kind, load = _loader(data)
    try:
        image = load(data, access="sequential")
    except pyvips.Error as error:
        reason = _vips_reason(error)
        raise VariantInputError(f"unreadable {kind.upper()} header: {reason}") from None
    pixels = image.width * image.height
    if pixels > max_pixels:
        raise VariantInputError(
            f"{image.width}x{image.height} is {pixels:,} pixels, over the limit of {max_pixels:,}"
        )
    orientation = image.get("orientation") if image.get_typeof("orientation") else 1
    pages = image.get("n-pages") if image.get_typeof("n-pages") else 1
    w, h = image.width, image.height
    if orientation in ORIENTATION_SWAPS:
        w, h = h, w
    return Header(kind, w, h, orientation, pages)


def shrink_factor(header: Header, needed_scale: float) -> int:
    """The largest power of two to shrink by on load and still have ``needed_scale``."""
    factor = 1
    while factor < 8 and 1 / (factor * 2) >= needed_scale:
        factor *= 2
    return factor


def load_source(data: bytes, header: Header, needed_scale: float = 1.0) -> Source:
    """Decode once, shrinking on load as far as ``needed_scale`` allows (the largest
    output-to-source ratio among the placements)."""
    _, load = _loader(data)
    factor = shrink_factor(header, needed_scale)
    options: dict = {"access": "sequential", "fail_on": "truncated"}
    if header.format == "jpeg" and factor > 1:
        options["shrink"] = factor
    elif header.format == "webp" and factor > 1:
        options["scale"] = 1 / factor
    notes = []
    if header.pages > 1:
        kind = "multi-page" if header.format == "tiff" else "animated"
        notes.append(f"{kind} {header.format.upper()}: first of {header.pages} frames used")
    try:
        image = load(data, **options)
        if header.format not in ("jpeg", "webp") and factor > 1:
            image = image.shrink(factor, factor)
        image, colour_note = _to_srgb(image)
        image = image.copy_memory()  # the one decode; errors in the data surface here
    except pyvips.Error as error:
        raise VariantInputError(
            f"corrupt or truncated {header.format.upper()}: {_vips_reason(error)}"
        ) from None
    if colour_note:
        notes.append(colour_note)
    if header.orientation not in (0, 1):
        image = _upright(image, header.orientation)
        notes.append(f"EXIF orientation {header.orientation} applied")
    has_alpha = image.bands == 4
    if has_alpha and image.extract_band(3).min() >= 255:
        image, has_alpha = image.extract_band(0, n=3), False
    return Source(image, header.width, header.height, has_alpha, factor, tuple(notes))


def _to_srgb(image: pyvips.Image) -> tuple[pyvips.Image, str | None]:
    """sRGB, 8-bit, 3 bands (+ alpha); says what was converted."""
    note = None
    sixteen = image.format in ("ushort", "short", "uint", "float", "double")
    if image.get_typeof("icc-profile-data"):
        description = _profile_name(image.get("icc-profile-data"))
        try:
            image = image.icc_transform("srgb", embedded=True, intent="relative")
            note = f"ICC profile {description!r} converted to sRGB"
        except pyvips.Error:
            image = image.colourspace("srgb")
            note = f"unusable ICC profile {description!r} ignored"
    elif image.interpretation == "cmyk":
        image = image.icc_transform("srgb", input_profile="cmyk", intent="relative")
        note = "CMYK without a profile converted to sRGB with a generic CMYK profile"
    elif image.interpretation != "srgb" or sixteen:
        image = image.colourspace("srgb")
    if image.format != "uchar":
        image = image.cast("uchar")
    if sixteen:
        note = "; ".join(filter(None, [note, "16-bit source reduced to 8 bits"]))
    bands = 4 if image.hasalpha() else 3
    if image.bands != bands:
        image = image.extract_band(0, n=min(bands, image.bands))
    return image, note


def _profile_name(data: bytes) -> str:
    try:
        from PIL import ImageCms

        profile = ImageCms.ImageCmsProfile(io.BytesIO(data))
        return ImageCms.getProfileDescription(profile).strip() or "unnamed"
    except Exception:  # noqa: BLE001 - a name is only for the record
        return "unnamed"


def _upright(image: pyvips.Image, orientation: int) -> pyvips.Image:
    # EXIF orientation → the turn and mirror that show the image as its camera saw it
    turned = {3: "d180", 6: "d90", 8: "d270", 5: "d90", 7: "d270"}.get(orientation)
    if turned:
        image = image.rot(turned)
    if orientation in (2, 4, 5, 7):
        image = image.flip("horizontal" if orientation in (2, 5, 7) else "vertical")
    return image
