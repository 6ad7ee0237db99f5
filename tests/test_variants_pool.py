"""The process pool: same results as in-process, one bad image fails alone."""

from assets.variants.pool import JobFailure, RenderJob, render_all, run_job
from core.placements import Placement
from tests.variant_images import encoded, natural_image

PLACEMENTS = (Placement("test", "wide", 400, 225, 10_000_000, ("jpeg",)),)


def test_a_pool_of_two_matches_the_inline_results() -> None:
    jobs = [
        RenderJob(f"image-{seed}", encoded(natural_image(500, 400, seed=seed), "PNG"), PLACEMENTS)
        for seed in range(3)
    ]
    jobs.append(RenderJob("broken", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, PLACEMENTS))
    pooled = dict(render_all(iter(jobs), workers=2))
    assert set(pooled) == {job.key for job in jobs}
    assert isinstance(pooled["broken"], JobFailure) and pooled["broken"].expected
    for job in jobs[:3]:
        inline = run_job(job)
        assert [r.data for r in pooled[job.key].renditions] == [r.data for r in inline.renditions]


def test_one_worker_runs_in_process() -> None:
    job = RenderJob("one", encoded(natural_image(300, 300), "JPEG"), PLACEMENTS)
    ((key, result),) = list(render_all([job], workers=1))
    assert key == "one" and len(result.renditions) == 2
