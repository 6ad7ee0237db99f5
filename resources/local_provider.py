"""LocalProvider: offline backgrounds in the brand palette, drawn with numpy and Pillow.

Each image is a gradient between two palette colours with a few soft-edged
shapes in other palette colours, composed at 1/8 scale and upscaled bicubically
(smooth edges, ~10 ms at 1080×1920). Image ``i`` of a call uses seed
``spec.seed + i``, so it equals image 0 of a call with that seed: the same seed
gives the same PNG bytes. Free: every call records one non-billable ApiCall.
"""

import time
from io import BytesIO

import numpy as np
from PIL import Image, ImageColor

from core.generation import (
    ApiCall,
    BudgetGuard,
    CallRecorder,
    GeneratedImage,
    GenerationError,
    ImageSpec,
    PaletteColor,
)

MAX_SIDE = 8192
MAX_IMAGES = 16
GRADIENT_REACH = 30.0  # RGB units
SCALE = 8  # the design is composed at 1/SCALE size, then upscaled
# a grey ramp when a spec carries no palette
DEFAULT_PALETTE = (PaletteColor("#37474F", 2.0), PaletteColor("#90A4AE"), PaletteColor("#ECEFF1"))


def _colors(palette: tuple[PaletteColor, ...]) -> tuple[np.ndarray, np.ndarray]:
    entries = palette or DEFAULT_PALETTE
    rgb = np.array([ImageColor.getrgb(entry.hex)[:3] for entry in entries], dtype=np.float32)
    weights = np.array([max(float(entry.weight), 0.0) for entry in entries], dtype=np.float64)
    if not weights.sum() > 0:
        weights = np.ones(len(entries))
    return rgb, weights / weights.sum()


def _smoothstep(edge: float, values: np.ndarray) -> np.ndarray:
    """1 inside (values < -edge), 0 outside (values > edge), smooth between."""
    t = np.clip(0.5 - values / (2 * edge), 0.0, 1.0)
    return t * t * (3 - 2 * t)


def design(width: int, height: int, palette: tuple[PaletteColor, ...], seed: int) -> Image.Image:
    """One background, RGB width × height; a pure function of its arguments."""
    rng = np.random.default_rng(seed % 2**64)
    rgb, weights = _colors(palette)
    small_w, small_h = -(-width // SCALE), -(-height // SCALE)
    ys, xs = np.mgrid[0:small_h, 0:small_w].astype(np.float32)
    xs, ys = xs / max(small_w - 1, 1), ys / max(small_h - 1, 1) * (small_h / small_w)

    # squared weights: the heavy colours (primary, neutral) carry most backgrounds
    order = rng.choice(len(rgb), size=len(rgb), replace=False, p=weights**2 / (weights**2).sum())
    base = rgb[order[0]]
    # a gentle ramp towards the nearest other brand colour, never further than
    # GRADIENT_REACH from the base: the canvas stays on-palette for compliance
    others = [rgb[i] for i in order[1:]] or [base]
    second = min(others, key=lambda color: float(np.linalg.norm(color - base)))
    distance = float(np.linalg.norm(second - base))
    reach = min(0.5, GRADIENT_REACH / distance) if distance else 0.0
    angle = rng.uniform(0, 2 * np.pi)
    ramp = xs * np.cos(angle) + ys * np.sin(angle)
    ramp = (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-6)
    pixels = base + (second - base) * (reach * ramp)[..., None]

    # soft shapes entering from the edges, leaving the middle (where text goes) calm
    aspect = small_h / small_w
    for _ in range(int(rng.integers(2, 4))):
        color = rgb[order[int(rng.integers(1, len(order)))] if len(order) > 1 else order[0]]
        radius = rng.uniform(0.3, 0.6)
        # tall canvases mostly from the top and bottom, wide ones from the sides
        ends = 0.7 if aspect > 1.2 else 0.3 if aspect < 0.8 else 0.5
        side = int(rng.choice(4, p=[ends / 2, ends / 2, (1 - ends) / 2, (1 - ends) / 2]))
        along = rng.uniform(0.0, 1.0)
        depth = radius * rng.uniform(0.5, 0.9)  # how far the shape's centre lies outside
        cx, cy = {
            0: (along, -depth),
            1: (along, aspect + depth),
            2: (-depth, along * aspect),
            3: (1 + depth, along * aspect),
        }[side]
        stretch = rng.uniform(0.7, 1.4)
        distance = np.sqrt(((xs - cx) * stretch) ** 2 + ((ys - cy) / stretch) ** 2) - radius
        alpha = _smoothstep(0.015, distance)[..., None] * rng.uniform(0.85, 1.0)
        pixels = pixels * (1 - alpha) + color * alpha

    small = Image.fromarray(np.clip(pixels + 0.5, 0, 255).astype(np.uint8), "RGB")
    return small.resize((width, height), Image.Resampling.BICUBIC)


def _png(image: Image.Image) -> bytes:
    buffer = BytesIO()
    # smooth images compress well even at a low level; level 6 costs 3x the time
    image.save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()


class LocalProvider:
    """The default, offline ImageProvider (see core/generation.py)."""

    name = "local"
    default_model = "pillow"

    def generate(
        self, spec: ImageSpec, *, on_call: CallRecorder, before_billable_call: BudgetGuard
    ) -> list[GeneratedImage]:
        started = time.perf_counter()
        parameters = {
            "width": spec.width,
            "height": spec.height,
            "seed": spec.seed,
            "num_images": spec.num_images,
            "palette": [color.hex for color in spec.palette],
        }

        def record(status: int, images: int = 0, error: str | None = None) -> None:
            latency = round((time.perf_counter() - started) * 1000)
            on_call(
                ApiCall(
                    provider=self.name,
                    endpoint="local://render",
                    method="POST",
                    status=status,
                    latency_ms=latency,
                    request_parameters=parameters,
                    images=images,
                    billable=False,
                    model="pillow",
                    error=error,
                )
            )

        problem = _check(spec)
        if problem:
            record(400, error=problem)
            raise GenerationError(f"local provider: {problem}")
        try:
            images = [
                GeneratedImage(
                    data=_png(design(spec.width, spec.height, spec.palette, spec.seed + index)),
                    seed=spec.seed + index,
                    provider_image_id=f"local-{spec.seed + index}",
                )
                for index in range(spec.num_images)
            ]
        except Exception as exc:
            record(500, error=f"{type(exc).__name__}: {exc}")
            raise GenerationError(f"local provider failed: {exc}") from exc
        record(200, images=len(images))
        return images


def _check(spec: ImageSpec) -> str | None:
    if not (0 < spec.width <= MAX_SIDE and 0 < spec.height <= MAX_SIDE):
        return f"size {spec.width}×{spec.height} outside 1..{MAX_SIDE} px"
    if not 0 < spec.num_images <= MAX_IMAGES:
        return f"num_images {spec.num_images} outside 1..{MAX_IMAGES}"
    for color in spec.palette:
        try:
            ImageColor.getrgb(color.hex)
        except ValueError:
            return f"palette colour {color.hex!r} is not a colour"
    return None
