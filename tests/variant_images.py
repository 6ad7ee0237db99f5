"""Source images for the variants tests and benchmark, made on the spot (deterministic).

``natural_image``: a photo-like picture — a 1/f^1.4 colour texture (the spectrum of
natural scenes, with an optical fall-off), plus hard-edged shapes and a line of
text, so that encoders meet both smooth areas and edges.
"""

import io
import struct
import zlib

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from assets.variants.crops import Zone


def natural_image(width: int, height: int, seed: int = 0, beta: float = 1.4) -> np.ndarray:
    rng = np.random.default_rng(seed)
    fy = np.fft.fftfreq(height)[:, None]
    fx = np.fft.rfftfreq(width)[None, :]
    f = np.sqrt(fx * fx + fy * fy)
    f[0, 0] = 1
    shape = (height, fx.shape[1])
    common = rng.normal(size=shape) + 1j * rng.normal(size=shape)
    planes = []
    for _ in range(3):
        own = rng.normal(size=shape) + 1j * rng.normal(size=shape)
        spectrum = (0.7 * common + 0.3 * own) / f**beta * np.exp(-((f / 0.25) ** 2))
        spectrum[0, 0] = 0
        planes.append(np.fft.irfft2(spectrum, s=(height, width)))
    pixels = np.stack(planes, -1)
    pixels = (pixels - pixels.mean((0, 1))) / pixels.std()
    pixels = np.clip(128 + 50 * pixels + rng.integers(-20, 20, 3), 0, 255).astype(np.uint8)
    picture = Image.fromarray(pixels)
    draw = ImageDraw.Draw(picture)
    side = min(width, height)
    for _ in range(5):
        x, y = rng.integers(0, width), rng.integers(0, height)
        r = int(rng.integers(side // 20, side // 6))
        fill = tuple(int(c) for c in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)
        else:
            draw.rectangle((x - r, y - r // 2, x + r, y + r // 2), fill=fill)
    font = ImageFont.load_default(size=max(12, side // 18))
    draw.text((width // 10, height // 2), "Morning light, 7 a.m.", fill="white", font=font)
    return np.asarray(picture)


def encoded(pixels: np.ndarray | Image.Image, fmt: str = "JPEG", **options) -> bytes:
    picture = pixels if isinstance(pixels, Image.Image) else Image.fromarray(pixels)
    buffer = io.BytesIO()
    picture.save(buffer, fmt, **options)
    return buffer.getvalue()


ZONE_COLOURS = {
    "logo": (230, 20, 20),
    "headline": (20, 200, 40),
    "body": (30, 60, 230),
    "cta": (240, 220, 0),
}


def marked_image(width: int, height: int, zones: list[Zone]) -> np.ndarray:
    """Grey texture with each zone painted in its own pure colour (to find it in outputs)."""
    rng = np.random.default_rng(1)
    base = rng.integers(90, 150, (height // 8 + 1, width // 8 + 1, 1), dtype=np.uint8)
    pixels = np.repeat(np.repeat(base, 8, 0), 8, 1)[:height, :width].repeat(3, 2).copy()
    for zone in zones:
        x0, y0 = round(zone.x), round(zone.y)
        pixels[y0 : y0 + round(zone.height), x0 : x0 + round(zone.width)] = ZONE_COLOURS[zone.name]
    return pixels


def colour_box(pixels: np.ndarray, colour: tuple[int, int, int], tolerance: int = 40):
    """(left, top, right, bottom) of the pixels near ``colour``; None when there are none."""
    near = np.abs(pixels[..., :3].astype(int) - colour).max(axis=-1) <= tolerance
    ys, xs = np.nonzero(near)
    if xs.size == 0:
        return None
    return xs.min(), ys.min(), xs.max() + 1, ys.max() + 1


def png_bomb(width: int, height: int) -> bytes:
    """A small PNG whose header claims ``width`` × ``height`` pixels (no real pixel data)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )
