"""Output for people and for pipes (issue 12): tables print whole when stdout is not a
terminal, every list command has --json, and every command taking an id takes the short
one the tables show — or says in one line why it names no single row (exit 2).

Through the command as users run it: a separate process, stdout a pipe.
"""

import json
import os
import string

import pytest
from sqlalchemy import text

from tests.cli_runner import run_cli

GRACE = "grace.kim@agency.example"  # a viewer in both demo organizations


def _env(world) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "DAGSTER_HOME"}
    # a narrow terminal's width: a pipe must not be cut to it
    env.update(DATABASE_URL=world.url, COLUMNS="80")
    return env


def _cli(world, *args: str, check: bool = True):
    return run_cli(*args, env=_env(world), check=check)


def _approval_ids(world) -> list[str]:
    with world.engine.connect() as conn:
        return [str(i) for i in conn.execute(text("select id from content_approvals")).scalars()]


@pytest.mark.parametrize(
    "command", [("approvals", "list"), ("jobs", "list"), ("settings", "list")]
)
def test_every_list_command_prints_one_json_array_of_objects(demo_world, command) -> None:
    rows = json.loads(_cli(demo_world, *command, "--json").stdout)
    assert isinstance(rows, list) and rows, command
    assert all(isinstance(row, dict) and row for row in rows)


def test_a_piped_table_keeps_every_row_on_one_line_uncut(demo_world) -> None:
    rows = json.loads(_cli(demo_world, "approvals", "list", "--json").stdout)
    table = _cli(demo_world, "approvals", "list").stdout
    lines = table.splitlines()

    assert "…" not in table
    assert max(len(line) for line in lines) > 80  # wider than COLUMNS: not cut to it
    for row in rows:
        (line,) = [line for line in lines if f"│ {row['id'][:8]} " in line]
        # every value of the row whole on the id's line, none folded onto the next
        for value in (row["organization"], row["request_title"], row["approver"] or "(auto)"):
            assert value in line, (value, line)
        assert row["id"] not in table  # the short id, which `decide` takes back


def test_decide_takes_the_short_id_the_table_shows(demo_world) -> None:
    (first, *_) = json.loads(_cli(demo_world, "approvals", "list", "--json").stdout)

    # the prefix names the approval: the decision is then judged (a closed one is refused)
    result = _cli(
        demo_world, "approvals", "decide", first["id"][:8], "--approve", "--as", GRACE, check=False
    )

    assert result.returncode == 1, result.stderr
    # the refusal names the approval the prefix found (by its id, or its request's title)
    assert result.stderr.startswith("Refused: ")
    assert first["id"] in result.stderr or first["request_title"] in result.stderr
    with demo_world.engine.connect() as conn:
        status = conn.execute(
            text("select status from content_approvals where id = :id"), {"id": first["id"]}
        ).scalar_one()
    assert status == first["status"]


def _one_line_exit_2(result, expected: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [expected]
    assert result.stdout == ""


def test_an_ambiguous_or_unknown_prefix_says_so_in_one_line(demo_world) -> None:
    ids = _approval_ids(demo_world)
    # more approvals than hex digits: some first digit starts several of them
    assert len(ids) > 16
    first = max(string.hexdigits[:16], key=lambda digit: sum(i.startswith(digit) for i in ids))
    starting = sum(i.startswith(first) for i in ids)
    absent = next(
        prefix
        for prefix in (f"{n:08x}" for n in range(0, 2**32, 2**20))
        if not any(i.startswith(prefix) for i in ids)
    )

    def decide(given: str):
        args = ("approvals", "decide", given, "--approve", "--as", GRACE)
        return _cli(demo_world, *args, check=False)

    _one_line_exit_2(
        decide(first), f"ambiguous: '{first}' matches {starting} approvals; give more of the id"
    )
    _one_line_exit_2(decide(absent), f"no approval matches '{absent}'")
    _one_line_exit_2(
        decide("not-an-id"), "'not-an-id' is not an approval id (a UUID, or the start of one)"
    )


def test_jobs_say_the_same_of_their_ids(demo_world) -> None:
    with demo_world.engine.connect() as conn:
        ids = [str(i) for i in conn.execute(text("select id from background_jobs")).scalars()]
    digit = max(string.hexdigits[:16], key=lambda d: sum(i.startswith(d) for i in ids))
    starting = sum(i.startswith(digit) for i in ids)
    assert starting > 1

    _one_line_exit_2(
        _cli(demo_world, "jobs", "show", digit, check=False),
        f"ambiguous: '{digit}' matches {starting} jobs; give more of the id",
    )
    shown = json.loads(_cli(demo_world, "jobs", "show", ids[0][:8], "--json").stdout)
    assert shown["id"] == ids[0]
