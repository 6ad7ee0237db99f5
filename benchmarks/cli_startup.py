"""How long the `socialpipe` command takes before it does anything (issue 12).

    .venv/bin/python benchmarks/cli_startup.py [--rounds 9]

Times, as a user runs them (a new process each, stdout a pipe), interleaved round by
round so that the machine's load weighs on every row alike:

- the baseline: ``python -c "import typer"``, a bare interpreter with the CLI framework;
- ``socialpipe --help`` and each command group's ``--help``;
- ``socialpipe requests process --id <8-char prefix>`` for one demo request (local
  provider, one image), split into the Dagster run itself — from the run's start to its
  end as the instance records them, mirrored into background_jobs.started_at /
  completed_at — and everything outside it (start-up, imports, the instance, the
  summary): the process's wall time minus the run's.

With ``--compare-to REF`` (a commit, e.g. the one before issue 12) that commit's CLI,
unpacked with `git archive` into a scratch folder, is timed in the same rounds:
``socialpipe --help`` and the outside-the-run time of ``requests process --id`` (the
full id: older commands may not take a short one).

Prints the median with the min–max spread of each, and its ratio to the baseline's
median measured in the same run, as a markdown table for docs/PERFORMANCE.md.

The server: --admin-url, else BENCH_DATABASE_URL, TEST_DATABASE_URL, or
postgresql://postgres@127.0.0.1:5432/postgres; a scratch database with the demo data
is made for the run and dropped at the end. DAGSTER_HOME is left as the caller has it
(the CLI's own default instance when unset).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from benchmarks.analytics_usage import admin_url  # noqa: E402
from resources.database import pipeline_engine  # noqa: E402
from resources.migrations import upgrade  # noqa: E402
from socialpipe.cli import app  # noqa: E402
from tests.generation_helpers import copy_request, first_request  # noqa: E402

BASELINE = "import typer"
OUTSIDE = "requests process --id: outside the run"
RUN = "requests process --id: the Dagster run"


def _groups() -> list[str]:
    return sorted(
        [group.name for group in app.registered_groups]
        + [command.name for command in app.registered_commands]
    )


def _wall(argv: list[str], env: dict[str, str], tree: Path | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=tree or ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}:\n{done.stderr}")
    return elapsed


def _run_seconds(engine: Engine, request_id: uuid.UUID) -> float:
    """The run's own time: its start to its end, as Dagster recorded them."""
    with engine.connect() as conn:
        seconds = conn.execute(
            text(
                "select extract(epoch from completed_at - started_at) from background_jobs "
                "where content_request_id = :id and job_type = 'content_generation'"
            ),
            {"id": request_id},
        ).scalar_one()
    return float(seconds)


def _scratch_database(admin: str) -> str:
    name = f"socialpipe_bench_cli_{uuid.uuid4().hex[:8]}"
    with create_engine(admin, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.exec_driver_sql(f'create database "{name}"')
    return make_url(admin).set(database=name).render_as_string(hide_password=False)


def _drop(admin: str, url: str) -> None:
    pipeline_engine(url).dispose()
    name = make_url(url).database
    with create_engine(admin, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.exec_driver_sql(f'drop database if exists "{name}" with (force)')


def _unpack(ref: str, into: Path) -> Path:
    """The tree of commit ``ref`` in a folder: run from there, its modules shadow ours."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", ref], cwd=ROOT, capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def _cli(tree: Path | None) -> list[str]:
    """The command line of a tree: socialpipe/cli since the rooms restructure, before it
    pipeline_defs/cli (run from the tree's folder, its own package shadows ours)."""
    moved = tree is not None and not (tree / "socialpipe" / "cli").is_dir()
    return [sys.executable, "-m", "pipeline_defs.cli" if moved else "socialpipe.cli"]


def measure(
    rounds: int, url: str, media: Path, other: tuple[str, Path] | None = None
) -> dict[str, list[float]]:
    """Seconds per case, round by round; ``other``: (ref, its unpacked tree) to time too."""
    from socialpipe.demo import load_demo_data

    upgrade(url)
    load_demo_data(pipeline_engine(url), media)
    engine = create_engine(url)
    source = first_request(engine)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FREEPIK_", "IMAGE_"))}
    env.update(DATABASE_URL=url, IMAGE_STORE_URL=str(media), IMAGE_PROVIDER="local")
    env.pop("COLUMNS", None)
    socialpipe = [sys.executable, "-m", "socialpipe.cli"]
    # name -> (argv, the tree to run it in; None: this one)
    helps: dict[str, tuple[list[str], Path | None]] = {
        BASELINE: ([sys.executable, "-c", BASELINE], None),
        "socialpipe --help": ([*socialpipe, "--help"], None),
    }
    helps |= {
        f"socialpipe {group} --help": ([*socialpipe, group, "--help"], None)
        for group in _groups()
    }
    # name of the outside-the-run figure -> (tree, whether it takes a short id)
    processes: dict[str, tuple[Path | None, bool]] = {OUTSIDE: (None, True)}
    if other:
        ref, tree = other
        helps[f"socialpipe --help at {ref}"] = ([*_cli(tree), "--help"], tree)
        processes[f"{OUTSIDE} at {ref}"] = (tree, False)
    times: dict[str, list[float]] = {name: [] for name in [*helps, *processes, RUN]}

    def process(name: str) -> None:
        tree, short = processes[name]
        request = copy_request(engine, source, target_platforms=["x"])
        given = str(request)[:8] if short else str(request)
        wall = _wall([*_cli(tree), "requests", "process", "--id", given], env, tree)
        run = _run_seconds(engine, request)
        times[name].append(wall - run)
        if name == OUTSIDE:
            times[RUN].append(run)

    def step(name: str) -> None:
        if name in processes:
            process(name)
        else:
            argv, tree = helps[name]
            times[name].append(_wall(argv, env, tree))

    order = [*helps, *processes]
    # one warm-up of each, not counted: the first run after a change compiles bytecode
    for name in order:
        step(name)
    times = {name: [] for name in times}
    for round_number in range(rounds):
        # rotate who goes first, so that no case always follows the same one
        shift = round_number % len(order)
        for name in order[shift:] + order[:shift]:
            step(name)
        print(f"round {round_number + 1}/{rounds} done", file=sys.stderr)
    engine.dispose()
    return times


def report(times: dict[str, list[float]]) -> str:
    baseline = statistics.median(times[BASELINE])
    lines = [
        "| command | median s | min–max s | × `import typer` |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, values in times.items():
        median = statistics.median(values)
        label = f'`python -c "{BASELINE}"` (baseline)' if name == BASELINE else name
        lines.append(
            f"| {label} | {median:.2f} | {min(values):.2f}–{max(values):.2f} "
            f"| {median / baseline:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--admin-url", default=None)
    parser.add_argument("--compare-to", metavar="REF", help="Also time this commit's CLI.")
    args = parser.parse_args()
    admin = admin_url(args.admin_url)
    url = _scratch_database(admin)
    try:
        with tempfile.TemporaryDirectory() as media, tempfile.TemporaryDirectory() as old:
            ref = args.compare_to
            other = (ref, _unpack(ref, Path(old))) if ref else None
            times = measure(args.rounds, url, Path(media), other)
    finally:
        _drop(admin, url)
    load = os.getloadavg()
    print(
        f"{args.rounds} rounds, Python {sys.version.split()[0]}, {os.cpu_count()} cores, "
        f"load average {load[0]:.1f} at the end\n"
    )
    print(report(times))


if __name__ == "__main__":
    main()
