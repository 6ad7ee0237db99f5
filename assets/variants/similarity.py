"""SSIM (Wang et al. 2004: 11×11 Gaussian window, σ = 1.5, on luma) — cheaply.

The statistic, precisely: BT.601 luma (0.299 R + 0.587 G + 0.114 B; transparency
judged over mid grey), the SSIM map of Wang et al. over 'valid' 11×11 Gaussian
windows (σ 1.5, C1 = (0.01·255)², C2 = (0.03·255)²), averaged over a stratified
sample: a GRID × GRID grid of TILE-pixel tiles, one centred in each cell (the whole
image when it is too small for the grid). Full resolution, never a reduced copy: a
reduced copy does not track the full-size score (it hides the very artefacts we
measure: JPEG q85 scores 0.986 at full size, 0.996 at half, 0.999 at a quarter).
The tile mean is an unbiased estimate of the full mean from ~10 % of the pixels
(tests/test_variants_quality.py holds it to an independent full SSIM;
benchmarks/variants_throughput.py measures the difference on every rendition).

What makes it cheap (a rendition's score costs about what its JPEG encode does):
the reference's blurred statistics are made once per placement and shared by its
formats (Reference); a JPEG is decoded straight to its luma plane (its Y is BT.601
luma: no chroma, no colour conversion), a lossy WebP to its Y plane and only down to
the lowest tile (libwebp's cropping stops the decode there); the Gaussian runs as two
small matrix products per tile (BLAS) instead of 22 shifted passes over the stack.
"""

import ctypes
import ctypes.util
import functools
import io
from pathlib import Path

import numpy as np
import PIL
from PIL import Image

C1, C2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
SIGMA, RADIUS = 1.5, 5
GRID = 6  # tiles per side
TILE = 48  # tile side, pixels; the SSIM map covers TILE - 2 * RADIUS of it
LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)
PILLOW_LIBS = Path(PIL.__file__).resolve().parent.parent / "pillow.libs"  # Linux wheels
# the SSIM map at every third window in each direction: a ninth of the windows, every
# pixel inside a tile still in 9 to 16 of them; the mean moves by < 5e-4, a tenth of the
# tiles' own sampling error (the map is smooth at the window's scale; tested)
STEP = 3
MATRIX_SIDE = 256  # up to this side the blur is a banded matrix product, past it shifted sums


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


def luma_tiles(data: bytes, origins: list) -> np.ndarray:
    """The luma of an encoded rendition at the sampled tiles, as (tiles, h, w) float32.

    Where the codec stores luma it is read, not recomputed: a JPEG's Y plane is BT.601
    luma (full range); a lossy WebP's is BT.601 luma in video range (16–235, libwebp's
    16839 R + 33059 G + 6420 B over 2¹⁶, + 16), scaled back to full range. Either skips
    the chroma planes' conversion to RGB. The luma of the decoded RGB differs from it
    by the rounding of R, G and B (< 1 level); other images are decoded to RGB(A)."""
    plane = _webp_luma(data, origins)
    if plane is not None:
        return plane
    pixels = _decode_luma_or_pixels(data)
    sampled = tiles(pixels, origins)
    return sampled.astype(np.float32) if pixels.ndim == 2 else luma(sampled)


def _decode_luma_or_pixels(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        if image.format == "JPEG" and image.mode in ("RGB", "L"):
            image.draft("L", None)  # libjpeg: grey output from YCbCr skips Cb and Cr
            image.load()
            if image.mode == "L":
                return np.asarray(image)
        mode = "RGBA" if "A" in image.getbands() else "RGB"
        return np.asarray(image if image.mode == mode else image.convert(mode))


class _Features(ctypes.Structure):  # libwebp's decode.h, ABI 2.x
    _fields_ = [
        *((name, ctypes.c_int) for name in ("width", "height", "alpha", "animation", "format")),
        ("pad", ctypes.c_uint32 * 5),
    ]


class _Planes(ctypes.Structure):  # WebPYUVABuffer
    _fields_ = [
        *((plane, ctypes.c_void_p) for plane in "yuva"),
        *((f"{plane}_stride", ctypes.c_int) for plane in "yuva"),
        *((f"{plane}_size", ctypes.c_size_t) for plane in "yuva"),
    ]


class _Colours(ctypes.Structure):  # WebPRGBABuffer: only the union's size needs it
    _fields_ = [("rgba", ctypes.c_void_p), ("stride", ctypes.c_int), ("size", ctypes.c_size_t)]


class _Either(ctypes.Union):
    _fields_ = [("RGBA", _Colours), ("YUVA", _Planes)]


class _Output(ctypes.Structure):  # WebPDecBuffer
    _fields_ = [
        ("colorspace", ctypes.c_int),
        ("width", ctypes.c_int),
        ("height", ctypes.c_int),
        ("is_external_memory", ctypes.c_int),
        ("u", _Either),
        ("pad", ctypes.c_uint32 * 4),
        ("private_memory", ctypes.c_void_p),
    ]


class _Options(ctypes.Structure):  # WebPDecoderOptions
    _fields_ = [
        *(
            (name, ctypes.c_int)
            for name in (
                "bypass_filtering", "no_fancy_upsampling", "use_cropping", "crop_left",
                "crop_top", "crop_width", "crop_height", "use_scaling", "scaled_width",
                "scaled_height", "use_threads", "dithering_strength", "flip",
                "alpha_dithering_strength",
            )
        ),
        ("pad", ctypes.c_uint32 * 5),
    ]  # fmt: skip


class _Config(ctypes.Structure):  # WebPDecoderConfig
    _fields_ = [("input", _Features), ("output", _Output), ("options", _Options)]


WEBP_DECODER_ABI = 0x0209  # libwebp checks the major byte only
MODE_YUV = 11  # WEBP_CSP_MODE


@functools.cache
def _libwebp() -> ctypes.CDLL | None:
    """libwebp's advanced decoding API: the copy Pillow ships (the encoder's own), else the
    system's; None (decode through Pillow) without either."""
    candidates = sorted(str(p) for p in PILLOW_LIBS.glob("libwebp-*.so*"))
    candidates.append(ctypes.util.find_library("webp"))
    int_p = ctypes.POINTER(ctypes.c_int)
    for name in filter(None, candidates):
        try:
            lib = ctypes.CDLL(name)
            lib.WebPGetInfo.argtypes = [ctypes.c_char_p, ctypes.c_size_t, int_p, int_p]
            lib.WebPInitDecoderConfigInternal.argtypes = [ctypes.POINTER(_Config), ctypes.c_int]
            lib.WebPDecode.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(_Config)]
        except (OSError, AttributeError):
            continue
        return lib
    return None


def webp_luma_plane(data: bytes, rows: int | None = None) -> np.ndarray | None:
    """The Y plane (video range) of a simple lossy WebP (no alpha, no animation: a bare
    'VP8 ' chunk), its first ``rows`` rows only when given; None for any other file or
    without libwebp. Decoding stops below them: with cropping, libwebp parses,
    reconstructs and filters macroblock rows down to the crop's bottom (plus the loop
    filter's reach) and no further; every row above is exactly as in a whole decode
    (tested)."""
    if data[:4] != b"RIFF" or data[8:16] != b"WEBPVP8 " or (lib := _libwebp()) is None:
        return None
    width, height = ctypes.c_int(), ctypes.c_int()
    if not lib.WebPGetInfo(data, len(data), ctypes.byref(width), ctypes.byref(height)):
        return None
    width, height = width.value, height.value
    rows = height if rows is None else max(1, min(rows, height))
    config = _Config()
    if not lib.WebPInitDecoderConfigInternal(ctypes.byref(config), WEBP_DECODER_ABI):
        return None
    if rows < height:
        config.options.use_cropping = 1
        config.options.crop_width, config.options.crop_height = width, rows
    # into our own arrays: no allocation by libwebp to free, no copy out of it
    y = np.empty((rows, width), np.uint8)
    chroma = np.empty((2, (rows + 1) // 2, (width + 1) // 2), np.uint8)
    config.output.colorspace, config.output.is_external_memory = MODE_YUV, 1
    planes = config.output.u.YUVA
    planes.y, planes.y_stride, planes.y_size = y.ctypes.data, width, y.size
    planes.u, planes.v = chroma[0].ctypes.data, chroma[1].ctypes.data
    planes.u_stride = planes.v_stride = chroma.shape[2]
    planes.u_size = planes.v_size = chroma[0].size
    if lib.WebPDecode(data, len(data), ctypes.byref(config)) != 0:  # VP8_STATUS_OK
        return None
    return y


def _webp_luma(data: bytes, origins: list) -> np.ndarray | None:
    """A simple lossy WebP's luma tiles from its Y plane, decoded down to the lowest tile
    only, in full range; None for any other file or without libwebp."""
    rows = max(y for _, y in origins) + TILE if origins else None
    plane = webp_luma_plane(data, rows)
    if plane is None:
        return None
    sampled = tiles(plane, origins).astype(np.float32)
    return (sampled - 16) * np.float32(255 / 219)


def luma(pixels: np.ndarray) -> np.ndarray:
    """BT.601 luma of (..., 3 or 4) uint8 pixels as float32; transparency is judged over
    mid grey. Luma already (float32, no bands: luma_tiles') passes through."""
    if pixels.dtype == np.float32:
        return pixels
    rgb = pixels[..., :3].astype(np.float32)
    if pixels.shape[-1] == 4:
        alpha = pixels[..., 3:4].astype(np.float32) / 255
        rgb = rgb * alpha + 128 * (1 - alpha)
    return rgb @ LUMA


@functools.lru_cache(maxsize=64)
def _band(n: int, step: int) -> np.ndarray:
    """(n, windows): x @ band is the Gaussian of x's rows at every step-th 'valid' window."""
    starts = range(0, n - 2 * RADIUS, step)
    band = np.zeros((n, len(starts)), np.float32)
    for column, start in enumerate(starts):
        band[start : start + KERNEL.size, column] = KERNEL
    return band


def _blur(stack: np.ndarray, step: int = 1) -> np.ndarray:
    """Separable Gaussian over the last two axes at every step-th 'valid' window. Small
    tiles: two banded matrix products, the result transposed (h and w swapped; every map
    alike, which is all the SSIM map's mean needs). Larger images: shifted sums."""
    height, width = stack.shape[-2:]
    if max(height, width) <= MATRIX_SIDE:
        rows = np.matmul(stack, _band(width, step))
        return np.matmul(np.swapaxes(rows, -1, -2), _band(height, step))
    n = KERNEL.size
    rows = sum(KERNEL[i] * stack[..., i : stack.shape[-1] - n + 1 + i : step] for i in range(n))
    return sum(KERNEL[i] * rows[..., i : rows.shape[-2] - n + 1 + i : step, :] for i in range(n))


class Reference:
    """A reference's luma and its blurred statistics, made once and scored against by
    every format of the placement."""

    def __init__(self, reference: np.ndarray) -> None:
        self.x = luma(reference)
        if min(self.x.shape[-2:]) <= 2 * RADIUS:
            raise ValueError(f"SSIM needs more than {2 * RADIUS + 1} pixels a side")
        self.mx, xx = _blur(np.stack([self.x, self.x * self.x]), STEP)
        self.mx2 = self.mx * self.mx
        self.sxx = xx - self.mx2

    def score(self, candidate: np.ndarray) -> float:
        """SSIM of ``candidate`` (the same tiles, pixels or luma), clamped to 0–1."""
        y = luma(candidate)
        if y.shape != self.x.shape:
            raise ValueError(f"SSIM needs equal sizes, got {self.x.shape} and {y.shape}")
        my, yy, xy = _blur(np.stack([y, y * y, self.x * y]), STEP)
        mxy = self.mx * my
        my2 = my * my
        num = (2 * mxy + C1) * (2 * (xy - mxy) + C2)
        den = (self.mx2 + my2 + C1) * (self.sxx + (yy - my2) + C2)
        return min(1.0, max(0.0, float(np.mean(num / den))))


def ssim_map_mean(x: np.ndarray, y: np.ndarray) -> float:
    """Mean SSIM over every 'valid' window of two (tiles, h, w) luma stacks."""
    mx, my, xx, yy, xy = _blur(np.stack([x, y, x * x, y * y, x * y]))
    sxx, syy, sxy = xx - mx * mx, yy - my * my, xy - mx * my
    num = (2 * mx * my + C1) * (2 * sxy + C2)
    den = (mx * mx + my * my + C1) * (sxx + syy + C2)
    return float(np.mean(num / den))


def tile_origins(width: int, height: int, grid: int = GRID, tile: int = TILE) -> list:
    """Top-left corners of a grid × grid stratified sample; none (the whole image) when small."""
    # from grid × tile up the tiles do not overlap (at 566 px they sample 26 % of the rows)
    if width < grid * tile or height < grid * tile:
        return []
    xs = [round((i + 0.5) * width / grid - tile / 2) for i in range(grid)]
    ys = [round((j + 0.5) * height / grid - tile / 2) for j in range(grid)]
    return [(x, y) for y in ys for x in xs]


def tiles(pixels: np.ndarray, origins: list) -> np.ndarray:
    """The sampled tiles of (h, w[, bands]) pixels as (tiles, TILE, TILE[, bands]); the
    whole image as one tile when there are no origins."""
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
