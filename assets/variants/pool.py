"""Many sources at once: a process pool across images, one single-threaded libvips each.

Parallelism across images beats libvips' threads within one image here: most of
the time is spent in encoders, which are single-threaded anyway. Workers are
spawned (never forked: libvips runs threads) and a bounded number of jobs is in
flight, so a large batch never holds every source in memory.
"""

import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field

import pyvips

from assets.variants.crops import Zone
from assets.variants.decode import VariantInputError
from assets.variants.encode import RenditionError
from assets.variants.render import RenderedSource, RenderOptions, render_variants
from core.placements import Placement

IN_FLIGHT_PER_WORKER = 2


@dataclass(frozen=True)
class RenderJob:
    key: str
    data: bytes
    placements: Sequence[Placement]
    zones: Sequence[Zone] = ()
    zone_canvas: tuple[int, int] | None = None
    options: RenderOptions = field(default_factory=RenderOptions)


@dataclass(frozen=True)
class JobFailure:
    reason: str
    expected: bool  # bad input or an impossible limit, as opposed to a bug


def configure_worker(threads: int = 1) -> None:
    """One libvips thread and no operation cache: the process is one core's worth."""
    pyvips.concurrency_set(threads)
    pyvips.cache_set_max(0)


def run_job(job: RenderJob) -> RenderedSource | JobFailure:
    try:
        return render_variants(
            job.data, job.placements, job.zones, job.options, zone_canvas=job.zone_canvas
        )
    except (VariantInputError, RenditionError) as error:
        return JobFailure(str(error), expected=True)
    except Exception as error:  # noqa: BLE001 - one bad image must not stop the batch
        first_line = (str(error).splitlines() or [""])[0][:300]
        return JobFailure(f"internal error: {type(error).__name__}: {first_line}", expected=False)


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def render_all(
    jobs: Iterable[RenderJob], workers: int = 0
) -> Iterator[tuple[str, RenderedSource | JobFailure]]:
    """(job key, result) for every job, in completion order; ``workers`` 0 = one per core."""
    workers = workers or default_workers()
    if workers <= 1:
        for job in jobs:
            yield job.key, run_job(job)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=configure_worker) as pool:
        pending: dict = {}
        queue = iter(jobs)
        while True:
            while len(pending) < workers * IN_FLIGHT_PER_WORKER:
                job = next(queue, None)
                if job is None:
                    break
                pending[pool.submit(run_job, job)] = job.key
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                key = pending.pop(future)
                try:
                    result = future.result()
                except Exception as error:  # noqa: BLE001 - a worker died (killed, out of memory)
                    result = JobFailure(f"worker failed: {type(error).__name__}: {error}", False)
                yield key, result
