"""Benchmark: platform variants — the product's renderer vs a naive Pillow loop vs a bare
pyvips loop, on the same generated 2048×2048 sources, in one run.

Every placement of docs/PLACEMENTS.md (12) as JPEG and WebP from each source:

  product      assets.variants.render_variants: decode once with shrink-on-load, crop, one
               libvips Lanczos resample, Pillow encodes under the byte limit (JPEG q≤88
               baseline with optimised Huffman tables, QualityPolicy.progressive off;
               WebP q≤85 method 1), SSIM of every rendition; placements that frame the
               source alike at one size share that work (3 of the 12; --distinct: none)
  naive Pillow decode once; per placement ImageOps.fit(LANCZOS), JPEG q85 progressive,
               WebP q80 (method 4, Pillow's default)
  bare pyvips  per placement thumbnail_buffer(crop="centre"), jpegsave Q85 progressive,
               webpsave Q80 (effort 4, libvips' default); once more at the product's
               WebP effort; and once at every one of the product's encoder settings
               (JPEG Q88, baseline or progressive as the product's policy says, optimised
               Huffman tables; WebP Q85 effort 1): the baseline of issue 15's goal,
               product CPU per source ≤ 1.0× this loop's, quality_score of every
               rendition included (the ratio is taken source by source, by turns)

One core each: libvips runs single-threaded, and throughput is source images per CPU
second (process time), so other load on the machine does not distort it. Engines take
turns source by source. SSIM (full resolution, every pixel, luma) is measured outside the
timings against an exact Lanczos resize of the frame each engine chose. Then the product
with its process pool on every core, and the peak memory of one 8000×8000 source (JPEG and
PNG), each in a fresh process.

    .venv/bin/python benchmarks/variants_throughput.py --rounds 2   # 6 sources, ~12 min
    .venv/bin/python benchmarks/variants_throughput.py --sources 2 --no-memory
    .venv/bin/python benchmarks/variants_throughput.py --memory-only
    .venv/bin/python benchmarks/variants_throughput.py --equal-only --sources 3 --rounds 2
    .venv/bin/python benchmarks/variants_throughput.py --equal-only --compare-to OLD_TREE

``--compare-to DIR`` adds the product of another checkout (its assets.variants, e.g. the
commit before a change, exported with ``git archive``) as one more engine taking turns:
before and after in one run. ``--distinct`` keeps one placement per output size (9 of
the 12: no two share a frame), for both sides alike.

Prints a markdown table for docs/PERFORMANCE.md.
"""

import argparse
import importlib
import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.variant_images

import numpy as np  # noqa: E402
import pyvips  # noqa: E402
from PIL import Image, ImageOps  # noqa: E402

from assets.variants import reference as reference_module  # noqa: E402
from assets.variants import render as render_module  # noqa: E402
from assets.variants import similarity  # noqa: E402
from assets.variants.crops import Frame  # noqa: E402
from assets.variants.decode import load_source, read_header  # noqa: E402
from assets.variants.encode import QualityPolicy  # noqa: E402
from assets.variants.pool import (  # noqa: E402
    RenderJob,
    configure_worker,
    default_workers,
    render_all,
)
from assets.variants.render import RenderOptions, compose, render_variants  # noqa: E402
from core.placements import all_placements  # noqa: E402
from tests.variant_images import natural_image  # noqa: E402

SIDE = 2048
PLACEMENTS = all_placements()


def sources(count: int) -> list[bytes]:
    return [_jpeg(natural_image(SIDE, SIDE, seed=100 + i), 90) for i in range(count)]


def _jpeg(pixels: np.ndarray, quality: int) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


# ---- the engines: each returns [(placement, format, bytes, its score, reference)] ----------
# the reference (computed after the timings) is an exact Lanczos resize of the frame the
# engine chose: SSIM then measures what its shortcuts and its encoder lost


def product(data: bytes) -> list:
    result = render_variants(data, PLACEMENTS, options=OPTIONS)

    def reference(rendition):
        # the independent reference quality_score is defined against (Pillow's Lanczos of
        # the recorded crop box), here in full: the tiles' sampling error shows as tracking
        box = rendition.optimization["crop"]["box"]
        frame = Frame(box["x"], box["y"], box["width"], box["height"], "benchmark")
        source = load_source(data, read_header(data))
        picture = compose(source, frame, (rendition.width, rendition.height))[0].numpy()
        original = reference_module.source_image(source.image.numpy())
        out = (rendition.width, rendition.height)
        return reference_module.reference_pixels(original, frame, source.scale, out, picture)

    return [
        (r.placement, r.format, r.data, r.quality_score, lambda r=r: reference(r))
        for r in result.renditions
    ]


class _FreeReference:
    def __init__(self, reference) -> None:
        pass

    def score(self, candidate) -> float:
        return 0.0


UNSCORED = {
    # for the breakdown only: the product with its quality_score made free
    "similarity": SimpleNamespace(
        tile_origins=similarity.tile_origins,
        luma_tiles=lambda data, origins: None,
        Reference=_FreeReference,
        GRID=similarity.GRID,
        TILE=similarity.TILE,
        STEP=similarity.STEP,
    ),
    "reference": SimpleNamespace(
        source_image=reference_module.source_image,
        source_luma=lambda original: None,
        reference_luma=lambda *args: None,
    ),
}


def product_unscored(data: bytes) -> list:
    saved = {name: getattr(render_module, name) for name in UNSCORED}
    try:
        for name, stub in UNSCORED.items():
            setattr(render_module, name, stub)
        result = render_variants(data, PLACEMENTS, options=OPTIONS)
    finally:
        for name, module in saved.items():
            setattr(render_module, name, module)
    return [(r.placement, r.format, r.data, None, lambda: None) for r in result.renditions]


def older_product(tree: str):
    """The product of another checkout, imported beside this one: its assets.variants
    modules are loaded under the same names from ``tree``, kept (each holds its own
    siblings), and this tree's put back."""

    def ours(name: str) -> bool:
        return name == "assets" or name.startswith("assets.")

    saved = {name: module for name, module in sys.modules.items() if ours(name)}
    for name in saved:
        del sys.modules[name]
    sys.path.insert(0, str(Path(tree).resolve()))
    try:
        older = importlib.import_module("assets.variants.render")
    finally:
        sys.path.pop(0)
        for name in [name for name in sys.modules if ours(name)]:
            del sys.modules[name]
        sys.modules.update(saved)
    options = older.RenderOptions(quality=older.QualityPolicy(**vars(OPTIONS.quality)))

    def engine(data: bytes) -> list:
        result = older.render_variants(data, PLACEMENTS, options=options)
        return [(r.placement, r.format, r.data, None, lambda: None) for r in result.renditions]

    return engine


def naive_pillow(data: bytes) -> list:
    out = []
    with Image.open(io.BytesIO(data)) as opened:
        image = opened.convert("RGB")
    for p in PLACEMENTS:
        # Pillow's resize (no reducing_gap) is an exact Lanczos: its input is the reference
        fitted = ImageOps.fit(image, (p.width, p.height), Image.Resampling.LANCZOS)
        for fmt, options in (
            ("jpeg", {"quality": 85, "progressive": True, "optimize": True}),
            ("webp", {"quality": 80}),
        ):
            buffer = io.BytesIO()
            fitted.save(buffer, fmt.upper(), **options)
            out.append((p.placement, fmt, buffer.getvalue(), None, lambda f=fitted: np.asarray(f)))
    return out


def _thumbnail_reference(data: bytes, width: int, height: int) -> np.ndarray:
    # what thumbnail(crop="centre") does, without its shortcuts: resize to cover, crop centre
    source = pyvips.Image.new_from_buffer(data, "")
    scale = max(width / source.width, height / source.height)
    cover = source.resize(scale, kernel="lanczos3", gap=0)
    left, top = (cover.width - width) // 2, (cover.height - height) // 2
    return cover.crop(left, top, width, height).numpy()


def bare_pyvips(
    data: bytes,
    effort: int = 4,
    jpeg_q: int = 85,
    webp_q: int = 80,
    progressive: bool = True,
    optimize: bool = False,
) -> list:
    out = []
    for p in PLACEMENTS:
        image = pyvips.Image.thumbnail_buffer(data, p.width, height=p.height, crop="centre")
        # a progressive JPEG always has optimised Huffman tables (libjpeg forces them)
        jpeg = image.jpegsave_buffer(
            Q=jpeg_q, interlace=progressive, optimize_coding=optimize, keep="none"
        )
        webp = image.webpsave_buffer(Q=webp_q, effort=effort, keep="none")
        reference = lambda p=p: _thumbnail_reference(data, p.width, p.height)  # noqa: E731
        out += [
            (p.placement, "jpeg", jpeg, None, reference),
            (p.placement, "webp", webp, None, reference),
        ]
    return out


POLICY = QualityPolicy()
PRODUCT_EFFORT = POLICY.webp_effort
PRODUCT = "product (assets.variants)"
UNSCORED_NAME = "product without quality_score (breakdown only)"
OLDER = "product of --compare-to's tree"
OPTIONS = RenderOptions(quality=POLICY)  # --progressive: both sides progressive JPEG
EQUAL = (
    f"bare pyvips loop at the product's settings (JPEG Q{POLICY.jpeg_max} with optimised "
    f"Huffman tables, WebP Q{POLICY.webp_max} effort {PRODUCT_EFFORT})"
)
ENGINES = {
    PRODUCT: product,
    "naive Pillow loop": naive_pillow,
    "bare pyvips loop (WebP effort 4, default)": bare_pyvips,
    f"bare pyvips loop (WebP effort {PRODUCT_EFFORT}, as the product)": (
        lambda data: bare_pyvips(data, effort=PRODUCT_EFFORT)
    ),
    EQUAL: lambda data: bare_pyvips(
        data, PRODUCT_EFFORT, POLICY.jpeg_max, POLICY.webp_max, OPTIONS.quality.progressive, True
    ),
}


def scores(outputs: list) -> dict[str, list]:
    found: dict[str, list] = {"jpeg": [], "webp": [], "tracking": [], "reduced": []}
    references: dict = {}
    for placement, fmt, encoded, reported, reference in outputs:
        candidate = similarity.decode(encoded)
        key = (placement, candidate.shape[:2])  # x.post and linkedin.post share a name
        if key not in references:
            references[key] = reference()
        exact = references[key]
        full = similarity.ssim(exact, candidate, sampled=False)
        found[fmt].append(full)
        if reported is not None:
            found["tracking"].append(abs(reported - full))
            if fmt == "jpeg" and placement in ("story", "square"):
                half = similarity.ssim(exact[::2, ::2], candidate[::2, ::2], sampled=False)
                found["reduced"].append((full, half))
    return found


# ---- runs --------------------------------------------------------------------------------


def timed(engine, data: bytes) -> tuple[float, float, list]:
    cpu, wall = time.process_time(), time.perf_counter()
    outputs = engine(data)
    return time.process_time() - cpu, time.perf_counter() - wall, outputs


def single_core(datas: list[bytes], rounds: int, engines: dict) -> dict:
    configure_worker(1)
    results = {name: {"cpu": [], "wall": [], "ssim": {}} for name in engines}
    for engine in engines.values():
        engine(datas[0])  # warm up imports and caches
    last: dict = {}
    for _ in range(rounds):
        for index, data in enumerate(datas):
            for name, engine in engines.items():  # turns, source by source
                cpu, wall, outputs = timed(engine, data)
                results[name]["cpu"].append(cpu)
                results[name]["wall"].append(wall)
                last[name, index] = outputs
    for (name, _), outputs in last.items():
        if name in (UNSCORED_NAME, OLDER):
            continue  # only its time matters here
        for key, values in scores(outputs).items():
            results[name]["ssim"].setdefault(key, []).extend(values)
    return results


def pooled(datas: list[bytes], workers: int) -> tuple[float, float]:
    """(source images per wall second, per CPU second of the workers) with the pool."""
    jobs = [RenderJob(str(i), data, PLACEMENTS) for i, data in enumerate(datas * 2)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = sum(1 for _ in render_all(jobs, workers))  # includes starting the workers
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers have exited
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return done / wall, done / cpu


def memory_probe(path: str) -> None:
    """In a fresh process: render every placement of one large source; print the timing
    and this process's own peak resident memory."""
    configure_worker(1)
    started = time.perf_counter()
    result = render_variants(Path(path).read_bytes(), PLACEMENTS)
    peak_mb = _peak_rss_mb()
    seconds = time.perf_counter() - started
    print(f"{peak_mb:.0f} {len(result.renditions)} {seconds:.2f} {result.source['shrink_on_load']}")


def _peak_rss_mb() -> float:
    # VmHWM belongs to this program image; ru_maxrss would carry the parent's peak over
    # from before exec()
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_memory(fmt: str, side: int = 8000) -> tuple[float, str]:
    base = pyvips.Image.new_from_array(natural_image(1024, 1024, seed=7))
    big = base.resize(side / 1024, kernel="linear").copy(interpretation="srgb")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"large.{fmt}"
        big.write_to_file(str(path), **({"Q": 90} if fmt == "jpg" else {"compression": 3}))
        probe = subprocess.run(
            [sys.executable, __file__, "--probe", str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        size_mb = path.stat().st_size / 2**20
    peak, renditions, seconds, shrink = probe.stdout.split()
    note = f"{size_mb:.0f} MB file, {renditions} renditions in {seconds} s, shrink-on-load {shrink}"
    return float(peak), note


def report(results: dict, count: int, rounds: int, pool: tuple | None, memory: list) -> None:
    print(
        f"\n{count} sources of {SIDE}×{SIDE} (JPEG q90), {len(PLACEMENTS)} placements × "
        f"JPEG + WebP = {2 * len(PLACEMENTS)} renditions each, {rounds} round(s), "
        f"JPEG {'progressive' if OPTIONS.quality.progressive else 'baseline'} on both sides, "
        f"libvips {pyvips.version(0)}.{pyvips.version(1)}.{pyvips.version(2)}, "
        f"Pillow {Image.__version__}\n"
    )
    print(
        "| engine | source images/s per core (CPU) | wall s/source | SSIM JPEG mean (min) "
        "| SSIM WebP mean (min) |"
    )
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, r in results.items():
        per_core = 1 / statistics.median(r["cpu"])
        jpeg, webp = r["ssim"].get("jpeg"), r["ssim"].get("webp")
        quality = (
            f"| {statistics.fmean(jpeg):.4f} ({min(jpeg):.4f}) "
            f"| {statistics.fmean(webp):.4f} ({min(webp):.4f}) |"
            if jpeg and webp
            else "| — | — |"
        )
        print(f"| {name} | {per_core:.2f} | {statistics.median(r['wall']):.2f} {quality}")
    # source by source, by turns: the product's CPU over the equal-settings loop's
    for name, base in (
        (PRODUCT, EQUAL),
        (OLDER, EQUAL),
        (UNSCORED_NAME, EQUAL),
        (PRODUCT, OLDER),
    ):
        if name not in results or base not in results:
            continue
        pairs = zip(results[name]["cpu"], results[base]["cpu"], strict=True)
        ratios = sorted(a / b for a, b in pairs)
        print(
            f"\n{name} CPU per source / {base}: median {statistics.median(ratios):.2f}× "
            f"[{ratios[0]:.2f}–{ratios[-1]:.2f}] over {len(ratios)} interleaved pairs"
            + (" (goal ≤ 1.00×)" if (name, base) == (PRODUCT, EQUAL) else "")
        )
    tracking = results[PRODUCT]["ssim"]["tracking"]
    reduced = results[PRODUCT]["ssim"]["reduced"]
    print(
        f"\nproduct quality_score ({similarity.GRID}×{similarity.GRID} tiles of "
        f"{similarity.TILE} px, every {similarity.STEP}rd window) vs full SSIM: mean |Δ| "
        f"{statistics.fmean(tracking):.4f}, max {max(tracking):.4f} over {len(tracking)} "
        "renditions"
    )
    print(
        "JPEG SSIM at full size vs on a half-size copy (why tiles, not a reduced copy): "
        + ", ".join(f"{a:.4f} → {b:.4f}" for a, b in reduced[:4])
    )
    if pool:
        rate, per_cpu, workers = pool
        print(
            f"\nproduct, process pool of {workers}: {rate:.2f} source images/s (wall, on a "
            f"shared machine); {per_cpu:.2f} per CPU second of the workers"
        )
    for fmt, (peak, note) in memory:
        print(f"peak memory, one 8000×8000 {fmt.upper()} source: {peak:.0f} MB ({note})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--no-pool", action="store_true")
    parser.add_argument("--memory-only", action="store_true")
    parser.add_argument(
        "--equal-only",
        action="store_true",
        help="only the product and the bare loop at its settings (issue 15's ratio)",
    )
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="also the product with quality_score made free: what scoring costs",
    )
    parser.add_argument(
        "--progressive",
        action="store_true",
        help="progressive JPEG for the product and the equal-settings loop alike",
    )
    parser.add_argument(
        "--compare-to",
        metavar="DIR",
        help="also the product of this checkout (its assets.variants), by turns",
    )
    parser.add_argument(
        "--distinct",
        action="store_true",
        help="one placement per output size (no two share a frame), both sides alike",
    )
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.progressive:
        global OPTIONS
        OPTIONS = RenderOptions(quality=replace(POLICY, progressive=True))
    if args.probe:
        memory_probe(args.probe)
        return
    if args.distinct:
        global PLACEMENTS
        sizes = {}
        for placement in PLACEMENTS:
            sizes.setdefault((placement.width, placement.height), placement)
        PLACEMENTS = list(sizes.values())
    # first, while this process is small: each probe is a fresh process of its own
    memory = [] if args.no_memory else [(fmt, peak_memory(fmt)) for fmt in ("jpg", "png")]
    if args.memory_only:
        for fmt, (peak, note) in memory:
            print(f"peak memory, one 8000×8000 {fmt.upper()} source: {peak:.0f} MB ({note})")
        return
    datas = sources(args.sources)
    engines = {k: ENGINES[k] for k in (PRODUCT, EQUAL)} if args.equal_only else ENGINES
    if args.breakdown:
        engines = {**engines, UNSCORED_NAME: product_unscored}
    if args.compare_to:
        engines = {**engines, OLDER: older_product(args.compare_to)}
    results = single_core(datas, args.rounds, engines)
    workers = default_workers()
    pool = None if args.no_pool or workers < 2 else (*pooled(datas, workers), workers)
    report(results, len(datas), args.rounds, pool, memory)


if __name__ == "__main__":
    os.environ.setdefault("VIPS_CONCURRENCY", "1")
    main()
