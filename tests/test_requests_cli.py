"""`socialpipe requests process`: the content_generation job in-process, as scripts run it."""

import json
import os

from sqlalchemy import create_engine, text

from resources.migrations import upgrade
from tests.cli_runner import run_cli
from tests.factories import make_brand, make_membership, make_org, make_request, make_user
from tests.generation_helpers import (
    copy_request,
    first_request,
    fixed_id,
    request_row,
)


def _env(url: str, media) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FREEPIK_", "IMAGE_"))}
    env.update(DATABASE_URL=url, IMAGE_STORE_URL=str(media), IMAGE_PROVIDER="local")
    return env


def test_process_by_id_runs_the_main_job_and_prints_a_json_summary(demo_world):
    request_id = copy_request(
        demo_world.engine,
        first_request(demo_world.engine),
        new_id=fixed_id("requests-cli/by-id"),
        target_platforms=["x"],
    )
    result = run_cli(
        "requests",
        "process",
        "--id",
        str(request_id)[:8],  # the short id, as tables show it
        "--json",
        env=_env(demo_world.url, demo_world.media),
    )
    (row,) = json.loads(result.stdout)
    assert row["id"] == str(request_id)
    # the job runs the whole chain: generated, scored, rendered, routed for approval
    assert row["status"] in ("awaiting_approval", "approved"), row
    assert row["images"] >= 1 and row["calls"] == 1
    with demo_world.engine.connect() as conn:
        verdicts, variants = conn.execute(
            text(
                "select count(*) filter (where g.validation_status <> 'pending'), "
                "(select count(*) from asset_variants v join generated_assets a "
                " on a.id = v.parent_asset_id where a.content_request_id = :id) "
                "from generated_assets g where g.content_request_id = :id"
            ),
            {"id": request_id},
        ).one()
    assert verdicts == row["images"] and variants > 0


def test_process_pending_claims_every_waiting_request_and_reports_failures(make_database, tmp_path):
    url = make_database()
    upgrade(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        user = make_user(conn)
        org = make_org(conn, user)
        make_membership(conn, user, org, role="editor")  # requesters must be members
        brand = make_brand(conn, org, user)  # no palette, no logo: every request fails
        ids = [
            str(
                make_request(
                    conn, org, brand, user, content_brief="a brief", target_platforms=["instagram"]
                )
            )
            for _ in range(3)
        ]
        draft = make_request(conn, org, brand, user, status="draft")
    result = run_cli(
        "requests",
        "process",
        "--pending",
        "--batch-size",
        "2",
        "--json",
        env=_env(url, tmp_path),
        check=False,
    )
    rows = json.loads(result.stdout)
    assert sorted(r["id"] for r in rows) == sorted(ids)
    assert {r["status"] for r in rows} == {"failed"}
    assert all("palette" in r["status_reason"] for r in rows)
    assert request_row(engine, draft)["status"] == "draft"
    engine.dispose()


def test_process_needs_exactly_one_way_of_choosing_requests(tmp_path):
    result = run_cli("requests", "process", check=False, env=_env("postgresql://x@/y", tmp_path))
    assert result.returncode != 0
    assert "either --pending or one or more --id" in result.stdout + result.stderr
    result = run_cli(
        "requests",
        "process",
        "--id",
        "not-a-uuid",
        check=False,
        env=_env("postgresql://x@/y", tmp_path),
    )
    assert "is not a request id" in result.stdout + result.stderr
