"""Compliance scoring time for one 1080×1350 image, on one core (issue 4: at most 50 ms).

    .venv/bin/python benchmarks/compliance_score.py [--runs 40]

Renders an on-brand Instagram portrait post for a demo brand (renderer + local
provider), then times, in the same process and on the same image:

- decoding its PNG (the baseline every scorer pays first, not part of the score);
- palette adherence done naively: ΔE2000 of every pixel, vectorised (no dominant colours);
- ``score()`` as the pipeline calls it (render metadata given), and each rule alone;
- ``score()`` without metadata, as the CLI scores an arbitrary image (the logo is
  searched over the whole image).

Prints the median and 90th percentile wall time, and the median CPU time of this
process (steadier on a busy machine), as a markdown table.
"""

import os

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

import argparse  # noqa: E402
import io  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from assets.brand_kits import load_brand_kit, load_template  # noqa: E402
from assets.compliance.contrast import contrast_rule  # noqa: E402
from assets.compliance.delta_e import delta_e_2000, srgb_to_lab  # noqa: E402
from assets.compliance.images import load_image  # noqa: E402
from assets.compliance.logo import logo_rule  # noqa: E402
from assets.compliance.palette import palette_rule  # noqa: E402
from assets.compliance.render_info import read_render_info  # noqa: E402
from assets.compliance.scorer import score  # noqa: E402
from assets.compliance.settings import DEFAULT_SETTINGS  # noqa: E402
from assets.rendering import render_template  # noqa: E402
from core.generation import ImageSpec  # noqa: E402
from core.placements import all_placements  # noqa: E402
from resources.local_provider import LocalProvider  # noqa: E402
from socialpipe.demo.brand_kit import store_brand_artwork  # noqa: E402
from socialpipe.demo.brands import BRANDS  # noqa: E402
from socialpipe.demo.templates import template_row  # noqa: E402

PLACEMENT = "instagram.feed_portrait"  # 1080×1350
TEXTS = {
    "headline": "Slow mornings, single-origin pour-overs",
    "body": "Our Ethiopian Yirgacheffe lands this week: bright, floral, a jasmine finish.",
    "cta": "Order ahead",
}


def demo_render(media: Path):
    brand = BRANDS[0]
    stored = store_brand_artwork(media, brand)
    profile = {
        "id": None,
        "name": brand.name,
        "primary_color": brand.color("primary"),
        "secondary_color": brand.color("secondary"),
        "accent_color": brand.color("accent"),
        "color_palette": [{"name": s.name, "hex": s.hex, "role": s.role} for s in brand.palette],
        "primary_font": brand.primary_font,
        "secondary_font": brand.secondary_font,
        "enforcement_level": brand.enforcement_level,
        "minimum_compliance_score": brand.minimum_compliance_score,
    }
    logo = [{"asset_type": "logo", "file_path": stored["logo"].key, "tags": ["primary"]}]
    kit = load_brand_kit(profile, logo, lambda key: (media / key).read_bytes())
    placement = next(p for p in all_placements() if p.key == PLACEMENT)
    row = template_row(brand, None, placement, None, date(2026, 1, 1))
    template = load_template({**row, "id": None, "brand_profile_id": None})
    spec = ImageSpec(
        prompt="",
        width=placement.width,
        height=placement.height,
        size_name="social_post_4_5",
        seed=11,
        palette=kit.image_palette(),
    )
    (made,) = LocalProvider().generate(
        spec, on_call=lambda c: None, before_billable_call=lambda n: None
    )
    background = Image.open(io.BytesIO(made.data)).convert("RGB")
    return kit, placement, render_template(background, kit, template, TEXTS)


def naive_palette(image: Image.Image, palette_lab: np.ndarray, threshold: float) -> float:
    """Palette adherence without dominant colours: ΔE2000 of every pixel (vectorised)."""
    lab = srgb_to_lab(np.asarray(image).reshape(-1, 3))
    nearest = np.full(len(lab), np.inf)
    for colour in palette_lab:  # one brand colour at a time, to bound memory
        nearest = np.minimum(nearest, delta_e_2000(lab, colour[None, :]))
    return float((nearest <= threshold).mean())


def timed(function, runs: int) -> dict:
    function()  # warm: caches, imports, FFT plans
    wall, cpu = [], []
    for _ in range(runs):
        started_wall, started_cpu = time.perf_counter(), time.process_time()
        function()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started_wall) * 1000)
    wall.sort()
    return {
        "median": statistics.median(wall),
        "p90": wall[int(0.9 * (len(wall) - 1))],
        "cpu": statistics.median(cpu),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    runs = parser.parse_args().runs
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    with tempfile.TemporaryDirectory() as folder:
        kit, placement, rendered = demo_render(Path(folder))
    png = rendered.png_bytes()
    image = load_image(png)
    info = read_render_info(rendered.metadata, image.image.size)
    settings = DEFAULT_SETTINGS
    result = score(image, kit, placement, rendered.metadata)
    assert result.status == "passed", result.violations

    rows = [
        ("decode the PNG (baseline, not part of the score)", lambda: load_image(png)),
        (
            "palette adherence, naive: ΔE2000 of every pixel (3 runs)",
            lambda: naive_palette(image.image, kit.palette_lab_array, settings.palette_delta_e),
        ),
        (
            "**score(), with render metadata (pipeline)**",
            lambda: score(image, kit, placement, rendered.metadata),
        ),
        (
            "· palette adherence (dominant colours)",
            lambda: palette_rule(image.image, kit, settings),
        ),
        ("· logo (in its zone)", lambda: logo_rule(image.image, kit, info, settings)),
        ("· text contrast (3 zones)", lambda: contrast_rule(image.image, info, settings)),
        (
            "score(), no metadata (CLI: logo searched everywhere)",
            lambda: score(image, kit, placement),
        ),
    ]
    print(f"{placement.key} {image.width}×{image.height}, {len(png):,} byte PNG; {runs} runs each")
    machine = platform.processor() or platform.machine()
    print(f"Python {platform.python_version()}, numpy {np.__version__}, {machine}, one core")
    print(f"load average {os.getloadavg()[0]:.2f} (other processes share this machine)\n")
    print("| step | median ms | p90 ms | CPU ms (median) |")
    print("| --- | ---: | ---: | ---: |")
    for name, function in rows:
        found = timed(function, 3 if "naive" in name else runs)
        print(f"| {name} | {found['median']:.1f} | {found['p90']:.1f} | {found['cpu']:.1f} |")


if __name__ == "__main__":
    main()
