"""A killed `socialpipe requests process` is finished by the very next `--pending` run.

The command runs as a subprocess on a Dagster instance of its own (DAGSTER_HOME with
the local instance config, run monitoring on) and is killed with SIGKILL at three
moments: while generating, while scoring, while rendering variants. The next run must
leave nothing queued or processing, every image scored, rendered and its request
routed, no duplicate rows, no orphan files, and the killed run failed in Dagster and
in background_jobs.

One database of its own (the demo tenants, with every demo request but one removed so
that `--pending` sees only this test's requests); each moment adds fresh requests.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from dagster import DagsterInstance, DagsterRunStatus, RunsFilter
from sqlalchemy import Engine, create_engine, text

from assets.requests.recovery import PID_TAG
from resources.migrations import upgrade
from tests.cli_runner import REPO_ROOT
from tests.generation_helpers import copy_request

REQUESTS_PER_MOMENT = 3
POLL_S = 0.05
MOMENT_TIMEOUT_S = 600


@pytest.fixture(scope="module")
def world(make_database, tmp_path_factory):
    from types import SimpleNamespace

    from resources.database import pipeline_engine
    from socialpipe.demo import load_demo_data

    url = make_database()
    upgrade(url)
    media = tmp_path_factory.mktemp("crash-media")
    load_demo_data(pipeline_engine(url), media)
    engine = create_engine(url)
    with engine.begin() as conn:
        source = conn.execute(
            text(
                "select id from content_requests where status = 'submitted' "
                "and 'instagram' = any(target_platforms) order by id limit 1"
            )
        ).scalar_one()
        conn.execute(text("delete from content_requests where id <> :id"), {"id": source})
        # the source of every copy, never processed itself
        conn.execute(
            text("update content_requests set status = 'draft' where id = :id"), {"id": source}
        )
    home = tmp_path_factory.mktemp("dagster-home")
    shutil.copy(REPO_ROOT / "deploy" / "dagster.local.yaml", home / "dagster.yaml")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "IMAGE_STORE_URL": str(media),
        "DAGSTER_HOME": str(home),
        "IMAGE_PROVIDER": "local",
    }
    yield SimpleNamespace(url=url, engine=engine, media=media, env=env, source=source, home=home)
    engine.dispose()
    pipeline_engine(url).dispose()


def count(engine: Engine, sql: str, **params) -> int:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def new_requests(world) -> list[str]:
    return [
        str(
            copy_request(
                world.engine,
                world.source,
                target_platforms=["instagram"],
                style_preferences={"num_images": 2},
            )
        )
        for _ in range(REQUESTS_PER_MOMENT)
    ]


# the moments: each a query over this moment's requests that is true mid-stage
MOMENTS: dict[str, str] = {
    "mid-generation": (
        "select count(*) filter (where status = 'generated') >= 1 "
        "and count(*) filter (where status in ('queued', 'processing')) >= 1 "
        "from content_requests where id = any(cast(:ids as uuid[]))"
    ),
    # compliance saves a batch's verdicts in one transaction: mid-compliance is every
    # request generated and none of its images scored yet
    "mid-compliance": (
        "select count(*) = cardinality(cast(:ids as uuid[])) "
        "and not exists (select 1 from generated_assets where validation_status <> 'pending' "
        "  and content_request_id = any(cast(:ids as uuid[]))) "
        "from content_requests where id = any(cast(:ids as uuid[])) and status = 'generated'"
    ),
    "mid-variants": (
        "select count(distinct v.parent_asset_id) >= 1 "
        "and count(distinct v.parent_asset_id) < (select count(*) from generated_assets "
        "  where content_request_id = any(cast(:ids as uuid[]))) "
        "from asset_variants v join generated_assets g on g.id = v.parent_asset_id "
        "where g.content_request_id = any(cast(:ids as uuid[]))"
    ),
}


def cli(world, *args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "socialpipe.cli", "requests", "process", *args],
        cwd=REPO_ROOT,
        env=world.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        **popen,
    )


def kill_when(world, process: subprocess.Popen, reached: Callable[[], bool]) -> None:
    deadline = time.monotonic() + MOMENT_TIMEOUT_S
    while not reached():
        assert process.poll() is None, (
            "the run ended before the moment came: "
            + (process.stderr.read().decode(errors="replace")[-2000:])
        )
        assert time.monotonic() < deadline, "the moment never came"
        time.sleep(POLL_S)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    # what `kill -9` leaves of its children (the variants render pool) goes too
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def referenced_files(world) -> set[str]:
    with world.engine.connect() as conn:
        return set(
            conn.execute(
                text(
                    "select file_path from generated_assets where file_path is not null "
                    "union select file_path from asset_variants where file_path is not null "
                    "union select file_path from brand_assets where file_path is not null"
                )
            ).scalars()
        )


def stored_files(world) -> set[str]:
    return {
        str(path.relative_to(world.media))
        for path in Path(world.media).rglob("*")
        if path.is_file() and not str(path.relative_to(world.media)).startswith("contact-sheets/")
    }


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_the_next_pending_run_finishes_what_a_killed_run_left(world, moment: str):
    unreferenced_before = stored_files(world) - referenced_files(world)
    ids = new_requests(world)

    killed = cli(world, "--pending", "--batch-size", str(REQUESTS_PER_MOMENT), "--json")
    kill_when(world, killed, lambda: bool(count(world.engine, MOMENTS[moment], ids=ids)))
    assert count(
        world.engine,
        "select count(*) from content_requests where id = any(cast(:ids as uuid[])) "
        "and status in ('awaiting_approval', 'approved')",
        ids=ids,
    ) < len(ids), "the kill came after the run had finished"

    after = cli(world, "--pending", "--batch-size", str(REQUESTS_PER_MOMENT), "--json")
    out, err = after.communicate(timeout=900)
    assert b"Traceback" not in err, err.decode(errors="replace")

    engine = world.engine
    # nothing left claimed
    assert (
        count(
            engine, "select count(*) from content_requests where status in ('queued', 'processing')"
        )
        == 0
    )
    # every image scored, rendered, and its request routed
    assert count(
        engine,
        "select count(*) from generated_assets "
        "where content_request_id = any(cast(:ids as uuid[]))",
        ids=ids,
    ) == 2 * len(ids)
    assert (
        count(engine, "select count(*) from generated_assets where validation_status = 'pending'")
        == 0
    )
    assert (
        count(
            engine,
            "select count(*) from generated_assets g where g.validation_status <> 'rejected' "
            "and not exists (select 1 from asset_variants v where v.parent_asset_id = g.id)",
        )
        == 0
    )
    statuses = count(
        engine,
        "select count(*) from content_requests where id = any(cast(:ids as uuid[])) "
        "and status in ('awaiting_approval', 'approved', 'rejected')",
        ids=ids,
    )
    assert statuses == len(ids)
    # no duplicate rows
    assert (
        count(
            engine,
            "select count(*) from (select parent_asset_id, placement, format_type "
            "from asset_variants group by 1, 2, 3 having count(*) > 1) as d",
        )
        == 0
    )
    assert (
        count(
            engine,
            "select count(*) from (select content_request_id, step_number, approver_id "
            "from content_approvals where status = 'pending' group by 1, 2, 3 "
            "having count(*) > 1) as d",
        )
        == 0
    )
    # no orphan files: every stored file is one a row points at (or was before)
    assert stored_files(world) - referenced_files(world) <= unreferenced_before

    # the killed run: failed in Dagster and in background_jobs, with the reason
    with DagsterInstance.from_config(str(world.home)) as instance:
        runs = instance.get_runs(filters=RunsFilter(tags={PID_TAG: str(killed.pid)}))
        assert runs, "the killed run is in the instance"
        for run in runs:
            assert run.status == DagsterRunStatus.FAILURE, (run.run_id, run.status)
            with engine.connect() as conn:
                job = conn.execute(
                    text(
                        "select status, error_message from background_jobs "
                        "where dagster_run_id = :id"
                    ),
                    {"id": run.run_id},
                ).one()
            assert job.status == "failed"
            assert "killed or crashed" in job.error_message
