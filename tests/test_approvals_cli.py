"""`socialpipe approvals list | decide` through typer's CliRunner, against a real database."""

import json

import pytest
from dagster import materialize
from sqlalchemy import text
from typer.testing import CliRunner

from assets.approvals.definitions import content_approvals
from assets.approvals.routing import route_requests
from resources.database import DatabaseResource
from socialpipe.cli.approvals import app
from tests.approvals_helpers import (
    approval_tenant,
    approvals,
    make_workflow,
    pending_of,
    request_status,
    scored_request,
    step,
)
from tests.generation_helpers import copy_request, generate

runner = CliRunner()


def cli(url: str, *args: str):
    return runner.invoke(app, list(args), env={"DATABASE_URL": url})


def _waiting(engine):
    tenant = approval_tenant(engine)
    make_workflow(engine, tenant, [step(1, "Review", role="approver")])
    request = scored_request(engine, tenant)
    route_requests(engine, [str(request)])
    return tenant, request


def test_list_filters_by_person_organization_and_pending(engine, database_url):
    tenant, request = _waiting(engine)
    result = cli(database_url, "list", "--user", tenant.email["approver1"], "--pending", "--json")
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert row["id"] == str(pending_of(engine, request, tenant.people["approver1"]))
    assert row["approver"] == tenant.email["approver1"] and row["status"] == "pending"
    assert row["organization"] == tenant.slug and row["due_at"] is None  # no SLA

    rows = json.loads(cli(database_url, "list", "--org", tenant.slug, "--json").stdout)
    assert {r["approver"] for r in rows} == {tenant.email["approver1"], tenant.email["approver2"]}
    table = cli(database_url, "list", "--org", tenant.slug)
    assert table.exit_code == 0 and "2 approvals" in table.stdout
    unknown = cli(database_url, "list", "--user", "nobody@example.com")
    assert unknown.exit_code == 1 and "no user with email" in unknown.output
    # an unknown organization lists nothing silently no more: it names the slugs there are
    no_org = cli(database_url, "list", "--org", "no-such-org")
    assert no_org.exit_code == 2 and "slug 'no-such-org'; known: " in no_org.stderr
    assert tenant.slug in no_org.stderr


def test_decide_approves_and_says_what_happened(engine, database_url):
    tenant, request = _waiting(engine)
    approval = pending_of(engine, request, tenant.people["approver2"])
    result = cli(
        database_url,
        "decide",
        str(approval),
        "--approve",
        "--as",
        tenant.email["approver2"].upper(),  # emails are case-insensitive
        "--comment",
        "ship it",
    )
    assert result.exit_code == 0, result.output
    assert "approved step 1 'Review'; the request is now approved" in result.stdout
    assert request_status(engine, request)[0] == "approved"
    decided = next(a for a in approvals(engine, request) if a["id"] == approval)
    assert decided["comments"] == "ship it" and decided["decision_date"] is not None


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["--approve", "--as", "{viewer}"], 1, "Refused: {viewer} may not decide approval"),
        (["--approve", "--as", "ghost@example.com"], 1, "no user with email"),
        (["--delegate", "{viewer}", "--as", "{approver1}"], 1, "viewers cannot approve"),
        (["--as", "{approver1}"], 2, "exactly one of --approve"),
        (["--approve", "--reject", "--as", "{approver1}"], 2, "exactly one of --approve"),
    ],
)
def test_a_refused_or_malformed_decision_exits_non_zero_and_changes_nothing(
    engine, database_url, args, code, words
):
    tenant, request = _waiting(engine)
    approval = pending_of(engine, request, tenant.people["approver1"])
    before = approvals(engine, request), request_status(engine, request)
    args = [a.format(**tenant.email) for a in args]
    result = cli(database_url, "decide", str(approval), *args)
    assert result.exit_code == code, result.output
    assert words.format(**tenant.email) in " ".join(result.output.split())
    assert (approvals(engine, request), request_status(engine, request)) == before


def test_decide_names_a_missing_approval(database_url):
    result = cli(
        database_url,
        "decide",
        "00000000-0000-0000-0000-000000000000",
        "--approve",
        "--as",
        "x@example.com",
    )
    assert result.exit_code == 2 and "no approval matches" in result.output
    bad = cli(database_url, "decide", "not-an-id", "--approve", "--as", "x@example.com")
    assert bad.exit_code == 2 and "not an approval id" in bad.output


# --- the demo tenant, end to end ---------------------------------------------------------

NW = "northwind-coffee"
HANNAH = "hannah.lee@northwind-coffee.example"
TOM = "tom.becker@northwind-coffee.example"
PRIYA = "priya.nair@northwind-coffee.example"
OLIVIA = "olivia.hart@northwind-coffee.example"
GRACE = "grace.kim@agency.example"


def _demo_requests(world) -> dict[str, object]:
    with world.engine.connect() as conn:
        source = conn.execute(
            text(
                "select r.id from content_requests r join organizations o "
                "on o.id = r.organization_id where o.slug = :slug and r.status = 'submitted' "
                "order by r.id limit 1"
            ),
            {"slug": NW},
        ).scalar_one()
    shapes = {
        "auto": ("post", ["instagram"]),  # Brand review's rule: posts on instagram, score ≥ 90
        "post_on_x": ("post", ["x"]),  # Brand review, decided by its approvers
        "post_to_reject": ("post", ["linkedin"]),
        "ad": ("ad", ["instagram"]),  # Paid ads sign-off: two steps
    }
    return {
        name: copy_request(
            world.engine, source, content_type=kind, target_platforms=platforms, priority=2
        )
        for name, (kind, platforms) in shapes.items()
    }


def _decide(world, approval_id, *args):
    return cli(world.url, "decide", str(approval_id), *args)


def _pending_for(world, request, email):
    rows = json.loads(cli(world.url, "list", "--user", email, "--pending", "--json").stdout)
    (row,) = [r for r in rows if r["request_id"] == str(request)]
    return row["id"]


def test_on_the_demo_tenant_requests_are_auto_approved_or_decided_to_the_end(demo_world):
    requests = _demo_requests(demo_world)
    assert generate(demo_world, list(requests.values())).success
    scores = {"auto": 96, "post_on_x": 93, "post_to_reject": 88, "ad": 91}
    with demo_world.engine.begin() as conn:  # what the compliance stage records
        for name, request in requests.items():
            conn.execute(
                text(
                    "update generated_assets set compliance_score = :s, "
                    "validation_status = 'passed' where content_request_id = :id"
                ),
                {"s": scores[name], "id": request},
            )
    routed = materialize(
        [content_approvals],
        resources={"database": DatabaseResource(url=demo_world.url)},
        run_config={
            "ops": {
                "content_approvals": {
                    "config": {"request_ids": [str(r) for r in requests.values()]}
                }
            }
        },
    )
    assert routed.success

    def status(name):
        return request_status(demo_world.engine, requests[name])[0]

    assert status("auto") == "approved"
    (auto_row,) = approvals(demo_world.engine, requests["auto"])
    assert auto_row["status"] == "auto_approved"
    assert "rule 1 of workflow 'Brand review'" in auto_row["comments"]
    for name in ("post_on_x", "post_to_reject", "ad"):
        assert status(name) == "awaiting_approval"

    # Brand review waits for the named approvers; a viewer is refused
    approval = _pending_for(demo_world, requests["post_on_x"], HANNAH)
    _pending_for(demo_world, requests["post_on_x"], TOM)
    refused = _decide(demo_world, approval, "--approve", "--as", GRACE)
    assert refused.exit_code == 1 and "Refused" in refused.output
    assert _decide(demo_world, approval[:8], "--approve", "--as", HANNAH).exit_code == 0
    assert status("post_on_x") == "approved"

    approval = _pending_for(demo_world, requests["post_to_reject"], TOM)
    result = _decide(demo_world, approval, "--reject", "--as", TOM, "--comment", "Wrong season")
    assert result.exit_code == 0, result.output
    assert status("post_to_reject") == "rejected"

    # the paid ad: the brand manager, then every approver and the owner
    ad = requests["ad"]
    approval = _pending_for(demo_world, ad, PRIYA)
    assert _decide(demo_world, approval, "--approve", "--as", PRIYA).exit_code == 0
    for email in (HANNAH, TOM, OLIVIA):
        assert status("ad") == "awaiting_approval"
        result = _decide(
            demo_world, _pending_for(demo_world, ad, email), "--approve", "--as", email
        )
        assert result.exit_code == 0, result.output
    assert status("ad") == "approved"
    assert [a["step_number"] for a in approvals(demo_world.engine, ad)] == [1, 2, 2, 2]

    # the demo's history (approvals of completed requests) is closed to decisions
    with demo_world.engine.connect() as conn:
        history = conn.execute(
            text(
                "select a.id from content_approvals a join content_requests r "
                "on r.id = a.content_request_id where r.status = 'completed' limit 1"
            )
        ).scalar_one()
    result = _decide(demo_world, history, "--reject", "--as", HANNAH)
    assert result.exit_code == 1 and "is completed, not awaiting approval" in result.output
