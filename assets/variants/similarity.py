"""SSIM (Wang et al. 2004: 11×11 Gaussian window, σ = 1.5, on luma) — cheaply.

A reduced copy does not track the full-size score (it hides the very artefacts
we measure: JPEG q85 scores 0.986 at full size, 0.996 at half, 0.999 at a
quarter). So we keep full resolution and average the SSIM map over a
stratified sample of tiles instead — an unbiased estimate of the full mean
that reads ~10 % of the pixels (benchmarks/variants_throughput.py measures the
difference from the full score).
"""

import io

import numpy as np
from PIL import Image

C1, C2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
SIGMA, RADIUS = 1.5, 5
GRID = 5  # tiles per side
TILE = 80  # tile side, pixels; the SSIM map covers TILE - 2 * RADIUS of it
LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def _kernel() -> np.ndarray:
    t = np.arange(-RADIUS, RADIUS + 1, dtype=np.float64)
    k = np.exp(-(t * t) / (2 * SIGMA * SIGMA))
    return (k / k.sum()).astype(np.float32)


KERNEL = _kernel()


def decode(data: bytes) -> np.ndarray:
    """An encoded rendition as an (h, w, 3 or 4) uint8 array (Pillow decodes these fastest)."""
    with Image.open(io.BytesIO(data)) as image:
        mode = "RGBA" if "A" in image.getbands() else "RGB"
        return np.asarray(image if image.mode == mode else image.convert(mode))


def luma(pixels: np.ndarray) -> np.ndarray:
    """BT.601 luma of (..., 3 or 4) uint8 pixels; transparency is judged over mid grey."""
    rgb = pixels[..., :3].astype(np.float32)
    if pixels.shape[-1] == 4:
        alpha = pixels[..., 3:4].astype(np.float32) / 255
        rgb = rgb * alpha + 128 * (1 - alpha)
    return rgb @ LUMA


def _blur(stack: np.ndarray) -> np.ndarray:
    """'valid' separable Gaussian over the last two axes."""
    n = KERNEL.size
    rows = sum(KERNEL[i] * stack[..., i : stack.shape[-1] - n + 1 + i] for i in range(n))
    return sum(KERNEL[i] * rows[..., i : rows.shape[-2] - n + 1 + i, :] for i in range(n))


def ssim_map_mean(x: np.ndarray, y: np.ndarray) -> float:
    """Mean SSIM over the 'valid' windows of two (tiles, h, w) luma stacks."""
    mx, my, xx, yy, xy = _blur(np.stack([x, y, x * x, y * y, x * y]))
    sxx, syy, sxy = xx - mx * mx, yy - my * my, xy - mx * my
    num = (2 * mx * my + C1) * (2 * sxy + C2)
    den = (mx * mx + my * my + C1) * (sxx + syy + C2)
    return float(np.mean(num / den))


def tile_origins(width: int, height: int, grid: int = GRID, tile: int = TILE) -> list:
    """Top-left corners of a grid × grid stratified sample; none (the whole image) when small."""
    if width < grid * tile * 1.5 or height < grid * tile * 1.5:
        return []
    xs = [round((i + 0.5) * width / grid - tile / 2) for i in range(grid)]
    ys = [round((j + 0.5) * height / grid - tile / 2) for j in range(grid)]
    return [(x, y) for y in ys for x in xs]


def tiles(pixels: np.ndarray, origins: list) -> np.ndarray:
    """The sampled tiles of (h, w, bands) pixels as (tiles, TILE, TILE, bands); the whole
    image as one tile when there are no origins."""
    if not origins:
        return pixels[None]
    return np.stack([pixels[y : y + TILE, x : x + TILE] for x, y in origins])


def ssim_of_tiles(reference: np.ndarray, candidate: np.ndarray) -> float:
    """SSIM over matching (tiles, h, w, bands) uint8 stacks, clamped to 0–1."""
    if reference.shape[:3] != candidate.shape[:3]:
        raise ValueError(f"SSIM needs equal sizes, got {reference.shape} and {candidate.shape}")
    return min(1.0, max(0.0, ssim_map_mean(luma(reference), luma(candidate))))


def ssim(reference: np.ndarray, candidate: np.ndarray, *, sampled: bool = True) -> float:
    """SSIM of ``candidate`` against ``reference``: (h, w, bands) uint8 arrays, clamped to 0–1."""
    if reference.shape[:2] != candidate.shape[:2]:
        raise ValueError(f"SSIM needs equal sizes, got {reference.shape} and {candidate.shape}")
    height, width = reference.shape[:2]
    origins = tile_origins(width, height) if sampled else []
    return ssim_of_tiles(tiles(reference, origins), tiles(candidate, origins))
