"""Drawing primitives for the renderer: anti-aliased rounded shapes, logo placement."""

from functools import lru_cache

from PIL import Image, ImageDraw, ImageOps

from assets.brand_kits.geometry import Box

SUPERSAMPLE = 4  # ImageDraw does not anti-alias shapes: draw larger, then downsample


@lru_cache(maxsize=64)
def rounded_mask(width: int, height: int, radius: int) -> Image.Image:
    """An anti-aliased rounded-rectangle mask (cached: do not modify it)."""
    big = Image.new("L", (width * SUPERSAMPLE, height * SUPERSAMPLE), 0)
    ImageDraw.Draw(big).rounded_rectangle(
        (0, 0, big.width - 1, big.height - 1), radius=radius * SUPERSAMPLE, fill=255
    )
    return big.resize((width, height), Image.Resampling.BOX)


def fill_rounded(
    canvas: Image.Image, box: Box, color: tuple[int, int, int], radius: int, opacity: float = 1.0
) -> None:
    """Paint a rounded rectangle exactly inside ``box`` (its anti-aliased edge included)."""
    mask = rounded_mask(box.width, box.height, min(radius, box.height // 2, box.width // 2))
    if opacity < 1:
        mask = mask.point(lambda value: round(value * opacity))
    canvas.paste(color, box.corners, mask)


def cover(image: Image.Image, width: int, height: int) -> Image.Image:
    """Scale to cover width × height and crop the centre (RGB)."""
    return ImageOps.fit(image, (width, height), Image.Resampling.LANCZOS, centering=(0.5, 0.5))


def flatten(image: Image.Image, matte: tuple[int, int, int]) -> Image.Image:
    """RGB, with any transparency composited over ``matte``."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        base = Image.new("RGBA", rgba.size, (*matte, 255))
        return Image.alpha_composite(base, rgba).convert("RGB")
    return image.convert("RGB")


def place_logo(canvas: Image.Image, logo: Image.Image, zone: Box, fit: str) -> Box:
    """Paste an RGBA logo into ``zone`` (contain: whole logo, centred; cover: fills it)."""
    if fit == "cover":
        scaled = ImageOps.fit(
            logo.convert("RGBa"), (zone.width, zone.height), Image.Resampling.LANCZOS
        )
        box = zone
    else:
        scale = min(zone.width / logo.width, zone.height / logo.height)
        width = max(1, min(zone.width, round(logo.width * scale)))
        height = max(1, min(zone.height, round(logo.height * scale)))
        # premultiplied alpha, so transparent pixels' colour does not bleed into the edge
        scaled = logo.convert("RGBa").resize((width, height), Image.Resampling.LANCZOS)
        box = Box(
            x=zone.x + (zone.width - width) // 2,
            y=zone.y + (zone.height - height) // 2,
            width=width,
            height=height,
        )
    scaled = scaled.convert("RGBA")
    canvas.paste(scaled, (box.x, box.y), scaled)
    return box
