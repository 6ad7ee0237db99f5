"""`socialpipe --help` starts without Dagster, pandas or Great Expectations (issue 12).

Each group's help runs in a fresh interpreter, as a user runs it; the process prints, at
exit, which of the heavy packages it loaded. The speed itself is measured in
benchmarks/cli_startup.py, not here.
"""

import json
import subprocess
import sys

import pytest

from socialpipe.cli import app
from tests.cli_runner import REPO_ROOT

HEAVY = ("dagster", "pandas", "great_expectations")

# run the CLI on the argument lists given, then report the heavy packages loaded
PROBE = """
import atexit, json, sys
from socialpipe.cli import app

HEAVY = {heavy!r}

def report():
    loaded = sorted({{name.split(".")[0] for name in sys.modules}} & set(HEAVY))
    print("HEAVY=" + json.dumps(loaded), file=sys.stderr)

atexit.register(report)
for args in {argvs!r}:
    try:
        app(args=args, prog_name="socialpipe")
    except SystemExit as exit:
        assert exit.code in (0, None), (args, exit.code)
"""


def _group_names() -> list[str]:
    return [group.name for group in app.registered_groups]


def _command_names(group: str) -> list[str]:
    (info,) = [g for g in app.registered_groups if g.name == group]
    return [
        command.name or command.callback.__name__.replace("_", "-")
        for command in info.typer_instance.registered_commands
    ]


def _loaded_by(argvs: list[list[str]], then: str = "") -> tuple[list[str], str]:
    """The heavy packages loaded by running the CLI on each of ``argvs`` (then ``then``),
    and what it printed."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY, argvs=argvs) + then],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    (line,) = [line for line in done.stderr.splitlines() if line.startswith("HEAVY=")]
    return json.loads(line.removeprefix("HEAVY=")), done.stdout


def test_the_probe_sees_a_heavy_import() -> None:
    # what the tests below rely on: a heavy import after the help is reported
    assert _loaded_by([["db", "--help"]], then="\nimport pandas\n")[0] == ["pandas"]


def test_top_level_help_lists_every_group_without_heavy_imports() -> None:
    loaded, shown = _loaded_by([["--help"], ["demo", "--help"]])
    assert loaded == []
    for group in _group_names():
        assert group in shown


@pytest.mark.parametrize("group", _group_names())
def test_each_group_and_command_help_imports_nothing_heavy(group: str) -> None:
    commands = _command_names(group)
    assert commands, group
    loaded, shown = _loaded_by([[group, "--help"]] + [[group, name, "--help"] for name in commands])
    assert loaded == [], f"socialpipe {group} … --help imported {loaded}"
    assert shown.count("Usage: socialpipe") == len(commands) + 1


def test_settings_types_are_the_stores() -> None:
    # spelt out in the CLI so that --help does not load the settings package
    from resources.settings import DATA_TYPES
    from socialpipe.cli.settings import DataType

    assert [member.value for member in DataType] == list(DATA_TYPES)


def test_the_collector_is_off_while_loading_and_back_on_for_the_run() -> None:
    script = """
import gc
from socialpipe.cli import collector
collector.while_loading()
assert not gc.isenabled()
import sqlalchemy  # what loading does
collector.loaded()
assert gc.isenabled() and gc.get_freeze_count() > 0
"""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


def test_a_process_that_imports_the_cli_keeps_its_collector() -> None:
    import gc

    from socialpipe.cli import collector

    frozen = gc.get_freeze_count()
    collector.loaded()  # as run_job calls it in a test's process
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_the_entry_point_adds_no_database_library_to_help() -> None:
    # main() wraps the app to print the embedded server's refusal in one line; what it
    # imports for that must not bring SQLAlchemy or the driver into every --help
    probe = (
        "import sys\nsys.argv = ['socialpipe', '--help']\n"
        "from socialpipe.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('LOADED=' + ','.join(sorted({n.split('.')[0] for n in sys.modules}"
        " & {'sqlalchemy', 'psycopg', 'dagster'})), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )
    assert "Usage: socialpipe" in done.stdout
    (line,) = [line for line in done.stderr.splitlines() if line.startswith("LOADED=")]
    assert line == "LOADED="


def test_the_content_jobs_load_without_pandas_or_great_expectations() -> None:
    # what `requests process` loads before its run: the content stages, not the analytics
    loaded, _ = _loaded_by([], then="\nimport pipeline_defs.content\n")
    assert loaded == ["dagster"]
