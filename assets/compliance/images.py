"""Any image file → upright 8-bit sRGB RGB, the one form every rule measures.

The pixel limit is checked on the header before a pixel is decoded. Then, in
order: the first frame of an animation; EXIF orientation; an embedded ICC profile
converted to sRGB with LittleCMS (PIL.ImageCms), CMYK JPEGs included; 16-bit
greyscale scaled (not clipped) to 8 bits; transparency flattened onto white, as
the platforms show it. Each step taken is listed in ``conversions``.
"""

import io
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# what a placement could ever need (8192² is 67 MP) is far above any real post;
# a decoded 40 MP RGB image is 120 MB, the most one worker should hold at once
MAX_PIXELS = 40_000_000
MAX_FILE_BYTES = 200 * 1024 * 1024
MATTE = (255, 255, 255)
_ALPHA_MODES = ("RGBA", "LA", "PA", "RGBa", "La")
_HIGH_BIT_MODES = ("I;16", "I;16B", "I;16L", "I;16N", "I", "F")
_GREY_MODES = ("1", "L")  # grey to RGB loses nothing and needs no profile


class ImageRefusedError(ValueError):
    """The file is not an image we measure: too large, empty, or not decodable."""


@dataclass(frozen=True)
class NormalisedImage:
    image: Image.Image  # RGB, sRGB, upright
    format: str | None  # the file's format, lower case ("png", "jpeg", "webp"); None if unknown
    byte_size: int | None  # the encoded file's size; None for an in-memory image
    source_mode: str
    conversions: tuple[str, ...] = ()

    @property
    def width(self) -> int:
        return self.image.width

    @property
    def height(self) -> int:
        return self.image.height

    def describe(self) -> dict:
        return {
            "width": self.width,
            "height": self.height,
            "format": self.format,
            "bytes": self.byte_size,
            "source_mode": self.source_mode,
            "conversions": list(self.conversions),
        }


def _too_large(width: int, height: int, limit: int) -> ImageRefusedError:
    return ImageRefusedError(
        f"the image is {width}×{height} = {width * height:,} pixels, over the "
        f"{limit:,} pixel limit; refused without decoding it"
    )


def load_image(
    source: bytes | str | Path | Image.Image, *, max_pixels: int = MAX_PIXELS
) -> NormalisedImage:
    """Decode and normalise ``source`` (file bytes, a path, or a PIL image); ImageRefusedError."""
    if isinstance(source, Image.Image):
        if source.width * source.height > max_pixels:
            raise _too_large(source.width, source.height, max_pixels)
        return _normalise(source, None, None, max_pixels)
    data = Path(source).read_bytes() if isinstance(source, str | Path) else bytes(source)
    if not data:
        raise ImageRefusedError("the file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise ImageRefusedError(f"the file is {len(data):,} bytes, over {MAX_FILE_BYTES:,}")
    try:
        with warnings.catch_warnings():
            # our own limit, checked below, is lower than Pillow's warning threshold
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                # the header only: nothing is decoded before this check
                if opened.width * opened.height > max_pixels:
                    raise _too_large(opened.width, opened.height, max_pixels)
                image_format = (opened.format or "").lower() or None
                opened.seek(0)
                opened.load()
                return _normalise(opened, image_format, len(data), max_pixels)
    except ImageRefusedError:
        raise
    except Image.DecompressionBombError as exc:
        # Pillow refuses in Image.open, from the header, past twice its own limit
        claimed = re.search(r"\((\d+) pixels\)", str(exc))
        count = f"{int(claimed.group(1)):,}" if claimed else f"more than {max_pixels:,}"
        raise ImageRefusedError(
            f"the image header claims {count} pixels, over the {max_pixels:,} pixel limit; "
            "refused without decoding it"
        ) from None
    except UnidentifiedImageError:
        raise ImageRefusedError("the file is not an image Pillow can read") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageRefusedError(f"the image does not decode: {exc}") from None


def _normalise(
    image: Image.Image, image_format: str | None, size: int | None, max_pixels: int
) -> NormalisedImage:
    notes: list[str] = []
    source_mode = image.mode
    icc = image.info.get("icc_profile")
    orientation = image.getexif().get(0x0112, 1)
    if orientation not in (None, 1):
        image = ImageOps.exif_transpose(image)
        notes.append(f"EXIF orientation {orientation} applied")
    if image.mode in _HIGH_BIT_MODES:
        image = _to_8_bit(image)
        notes.append(f"{source_mode} scaled to 8 bits")
    alpha = None
    if image.mode in _ALPHA_MODES or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        alpha = rgba.getchannel("A")
        image = rgba.convert("RGB")
    elif image.mode == "P":
        image = image.convert("RGB")
    if icc:
        image, note = _to_srgb(image, icc)
        if note:
            notes.append(note)
    if image.mode != "RGB":
        if image.mode not in _GREY_MODES:
            notes.append(f"{image.mode} converted to RGB without a colour profile")
        image = image.convert("RGB")
    if alpha is not None and alpha.getextrema()[0] < 255:
        image = Image.composite(image, Image.new("RGB", image.size, MATTE), alpha)
        notes.append("transparency flattened onto white")
    if image.width * image.height > max_pixels:  # a rotated or in-memory image
        raise _too_large(image.width, image.height, max_pixels)
    return NormalisedImage(image, image_format, size, source_mode, tuple(notes))


def _to_8_bit(image: Image.Image) -> Image.Image:
    """16-bit (or 32-bit) greyscale → L, scaled. Pillow's own convert("L") clips at 255."""
    values = np.asarray(image, dtype=np.float64)
    if image.mode == "F":
        top = 1.0 if values.size and float(values.max()) <= 1.0 else 255.0
    else:
        top = 65535.0 if image.mode.startswith("I;16") or values.max(initial=0) > 255 else 255.0
    return Image.fromarray(np.clip(np.rint(values * (255.0 / top)), 0, 255).astype(np.uint8), "L")


@lru_cache(maxsize=32)
def _transform(icc: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    description = (ImageCms.getProfileDescription(source) or "").lower()
    if "srgb" in description:
        return None  # already sRGB: skip a transform that would change nothing
    return ImageCms.buildTransform(
        source,
        ImageCms.createProfile("sRGB"),
        mode,
        "RGB",
        renderingIntent=ImageCms.Intent.PERCEPTUAL,
    )


def _to_srgb(image: Image.Image, icc: bytes) -> tuple[Image.Image, str | None]:
    mode = image.mode if image.mode in ("RGB", "CMYK", "L") else "RGB"
    if image.mode != mode:
        image = image.convert(mode)
    try:
        transform = _transform(icc, mode)
    except (OSError, ImageCms.PyCMSError, ValueError) as exc:
        return image.convert("RGB"), f"ICC profile unreadable ({exc}); assumed sRGB"
    if transform is None:
        return image.convert("RGB"), None
    try:
        converted = ImageCms.applyTransform(image, transform)
    except (OSError, ImageCms.PyCMSError, ValueError) as exc:
        return image.convert("RGB"), f"ICC conversion failed ({exc}); assumed sRGB"
    name = ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc))).strip()
    return converted, f"{mode} ICC profile {name!r} converted to sRGB"
