"""What repairs buy (issue 21): share of failing images brought to `passed`, score gain per call.

    .venv/bin/python benchmarks/repair_yield.py [--seeds 4] [--cap 2]

A labelled set made by code, on fresh renders (the renderer over the local provider's
backgrounds) of the demo brands at three placements, several seeds each:

- the compliance corpus's repairable degradations (tests/compliance_corpus.py):
  ``off_palette`` (fails palette adherence) and ``low_contrast`` (fails text contrast);
- ``asked_off_brand``: a request asking for two off-brand colours (style_preferences.colors),
  generated as the pipeline does, by the local provider.

Each failing image goes through assets/generation/repair.py with the pipeline's policy
(assets/compliance/repairs.py) and the local provider. In the same run, on the same
images, a baseline: a new seed only (the same palette, the renderer without fixes, the
same cap), i.e. "just try again". Prints, per set and policy: images, share brought to passed,
provider calls, mean score gain per provider call, mean gain per image, as a markdown table.
"""

import os

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

import argparse  # noqa: E402
import io  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field, replace  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image  # noqa: E402

from assets.compliance import load_image, score  # noqa: E402
from assets.generation import planning  # noqa: E402
from assets.generation.repair import Attempt, Repaired, repair  # noqa: E402
from assets.rendering import NO_REPAIRS, RenderRepairs, render_template  # noqa: E402
from core.generation import GeneratedImage, ImageSpec  # noqa: E402
from resources.local_provider import LocalProvider  # noqa: E402
from socialpipe.demo.brand_kit import store_brand_artwork  # noqa: E402
from socialpipe.demo.brands import BRANDS  # noqa: E402
from tests.compliance_corpus import PLACEMENTS, Render, low_contrast, off_palette, on_brand  # noqa: E402

OFF_BRAND = ["#FF00FF", "#00C000"]
BASELINE = "baseline: try again (new seed, same palette, no renderer fixes)"
PROVIDER = LocalProvider()


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def _background(spec: ImageSpec) -> GeneratedImage:
    (made,) = PROVIDER.generate(spec, on_call=lambda c: None, before_billable_call=lambda n: None)
    return made


@dataclass
class Case:
    name: str  # the labelled set
    render: Render
    first: Attempt


def _tools(render: Render, brand_palette, policy: bool):
    def compose(generated: GeneratedImage, repairs: RenderRepairs):
        with Image.open(io.BytesIO(generated.data)) as opened:
            background = opened.convert("RGB")
        made = render_template(
            background, render.kit, render.template, render.texts, repairs if policy else NO_REPAIRS
        )
        return _png(made.image), "png", made.metadata

    def judge(data: bytes, metadata: dict):
        return score(load_image(data), render.kit, render.placement, metadata)

    def new_background(spec: ImageSpec, attempt: int):
        if policy:
            asked = planning.repair_spec(spec, brand_palette, attempt)
        else:  # the baseline: the same request again, only the seed changes
            asked = replace(spec, seed=planning.repair_seed(spec.seed, attempt), num_images=1)
        return asked, _background(asked)

    return compose, judge, new_background


def _attempt(render: Render, data: bytes, metadata: dict, generated, spec) -> Attempt:
    result = score(load_image(data), render.kit, render.placement, metadata)
    return Attempt(0, data, "png", metadata, result, generated, spec, "first render", True)


def cases(media: Path, seeds: int) -> list[Case]:
    made = []
    for brand in BRANDS:
        for key in PLACEMENTS:
            for seed in range(seeds):
                render = on_brand(brand, key, media, seed=101 + seed)
                palette = render.kit.image_palette()
                spec = ImageSpec(
                    prompt="benchmark",
                    width=render.template.width,
                    height=render.template.height,
                    size_name="square_1_1",
                    seed=101 + seed,
                    palette=palette,
                )
                generated = GeneratedImage(_png(render.background), seed=spec.seed)
                for name, degrade in (("off_palette", off_palette), ("low_contrast", low_contrast)):
                    image, metadata = degrade(render)
                    first = _attempt(render, _png(image), metadata, generated, spec)
                    made.append(Case(name, render, first))
                asked = replace(
                    spec,
                    palette=planning.request_palette(
                        {"style_preferences": {"colors": OFF_BRAND}}, palette
                    ),
                )
                background = _background(asked)
                compose, _, _ = _tools(render, palette, policy=True)
                data, _, metadata = compose(background, NO_REPAIRS)
                made.append(
                    Case(
                        "asked_off_brand",
                        render,
                        _attempt(render, data, metadata, background, asked),
                    )
                )
    return made


@dataclass
class Tally:
    images: int = 0
    passed: int = 0
    calls: int = 0
    gain: float = 0.0
    seconds: list[float] = field(default_factory=list)

    def add(self, repaired: Repaired, seconds: float) -> None:
        self.images += 1
        self.passed += repaired.kept.result.status == "passed"
        self.calls += repaired.calls
        self.gain += repaired.kept.result.score - repaired.first.result.score
        self.seconds.append(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=4, help="fresh renders per brand/placement")
    parser.add_argument("--cap", type=int, default=2, help="max_repair_attempts")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        media = Path(folder)
        for brand in BRANDS:
            store_brand_artwork(media, brand)
        labelled = cases(media, arguments.seeds)
    failing = [case for case in labelled if case.first.result.violations]
    tallies: dict[tuple[str, str], Tally] = {}
    # interleaved: each image goes through the baseline and the policy one after the other
    for case in failing:
        palette = case.render.kit.image_palette()
        for policy in (False, True):
            compose, judge, new_background = _tools(case.render, palette, policy)
            started = time.perf_counter()
            repaired = repair(
                case.first,
                limit=arguments.cap,
                compose=compose,
                judge=judge,
                new_background=new_background,
            )
            label = "policy" if policy else BASELINE
            tallies.setdefault((case.name, label), Tally()).add(
                repaired, time.perf_counter() - started
            )
    print(
        f"{len(labelled)} labelled images, {len(failing)} failing before repair; "
        f"cap {arguments.cap}; local provider\n"
    )
    print(
        "| set | repair | images | brought to passed | provider calls "
        "| mean gain per call | mean gain per image | median s per image |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for (name, label), tally in sorted(tallies.items()):
        per_call = f"{tally.gain / tally.calls:+.2f}" if tally.calls else "– (no call)"
        print(
            f"| {name} | {label} | {tally.images} | {tally.passed / tally.images:.0%} "
            f"| {tally.calls} | {per_call} | {tally.gain / tally.images:+.2f} "
            f"| {statistics.median(tally.seconds):.2f} |"
        )


if __name__ == "__main__":
    main()
