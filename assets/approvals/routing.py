"""Routing scored requests into their approval workflows (the content_approvals asset).

For each generated request whose images are all scored, in its own transaction: lock
it, withdraw any approvals left from an earlier round, match its workflow, then
either auto-approve it (one `auto_approved` row naming the rule; request → approved)
or create step 1's rows (request → awaiting_approval). A workflow its organization
cannot staff (a step needs more approvers than it has) leaves the request generated,
with the reason in `status_reason`; the next materialization tries again.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID, uuid4

from sqlalchemy import Connection, Engine

from assets.approvals import store
from assets.approvals.auto_approval import matching_rule
from assets.approvals.machine import Infeasible, NewId, auto_approve, plan_round, start
from assets.approvals.versions import asset_versions, fingerprint, void_pending_approvals
from assets.approvals.workflow_matching import RequestFacts, invalid_workflows, match_workflow
from resources.sql_files import sql

SUPERSEDED = "superseded: the request was routed into a new approval round"


@dataclass(frozen=True)
class Routed:
    request_id: str
    title: str
    outcome: str  # auto_approved | awaiting_approval | not_routed | skipped
    workflow: str | None = None
    detail: str = ""
    approvers: tuple[str, ...] = ()  # step 1's approvers (emails)


def request_facts(request: Mapping, assets: Sequence[Mapping]) -> RequestFacts:
    return RequestFacts(
        content_type=request["content_type"],
        platforms=tuple(request["target_platforms"] or ()),
        priority=int(request["priority"]),
        scores=tuple(float(a["compliance_score"]) for a in assets),
        validation_statuses=tuple(a["validation_status"] for a in assets),
    )


def route_request(conn: Connection, request_id: object, new_id: NewId = uuid4) -> Routed:
    """Route one request, in the caller's transaction."""
    request = store.lock_request(conn, request_id)
    if request is None:
        return Routed(str(request_id), "", "skipped", detail="no such request")
    title = request["title"]

    def routed(outcome: str, **more) -> Routed:
        return Routed(str(request["id"]), title, outcome, **more)

    if request["status"] != "generated":
        return routed("skipped", detail=f"status is {request['status']}, not generated")
    assets = store.request_assets(conn, request["id"])
    if not assets or any(a["compliance_score"] is None for a in assets):
        return routed("skipped", detail="its images are not all scored yet")

    void_pending_approvals(conn, request["id"], SUPERSEDED)
    workflows = conn.execute(
        sql("approvals/organization_workflows"), {"organization_id": request["organization_id"]}
    ).mappings()
    facts = request_facts(request, assets)
    match = match_workflow(list(workflows), facts)
    workflow = match.workflow
    round_id = str(new_id())
    versions, version = asset_versions(assets), fingerprint(assets)

    rule = matching_rule(workflow, facts)
    if rule is not None:
        core = store.round_core(round_id, workflow, match.reason, (), versions, version)
        transition = auto_approve(workflow, rule.description, rule.as_feedback(), new_id)
        store.apply_effects(conn, request, core, transition.effects)
        return routed("auto_approved", workflow=workflow.name, detail=rule.description)

    try:
        plan = plan_round(workflow, store.members(conn, request["organization_id"]))
    except Infeasible as error:
        conn.execute(
            sql("approvals/set_request_status"),
            {"request_id": request["id"], "status": "generated", "status_reason": str(error)},
        )
        return routed("not_routed", workflow=workflow.name, detail=str(error))
    core = store.round_core(round_id, workflow, match.reason, plan, versions, version)
    transition = start(workflow, plan, new_id)
    store.apply_effects(conn, request, core, transition.effects)
    names = store.emails(conn, [a.user_id for a in plan[0]])
    return routed(
        "awaiting_approval",
        workflow=workflow.name,
        detail=match.reason,
        approvers=tuple(names.get(a.user_id, str(a.user_id)) for a in plan[0]),
    )


def route_requests(engine: Engine, request_ids: Sequence[str] = ()) -> list[Routed]:
    """Route the requests named, or (none named) every request ready for approval.

    One transaction per request: one request's trouble never undoes another's routing.
    """
    if not request_ids:
        with engine.connect() as conn:
            request_ids = list(conn.execute(sql("approvals/ready_requests")).scalars())
    outcomes = []
    for named in request_ids:
        try:
            request_id = UUID(str(named))
        except ValueError:
            outcomes.append(Routed(str(named), "", "skipped", detail="not a request id"))
            continue
        with engine.begin() as conn:
            outcomes.append(route_request(conn, request_id))
    return outcomes


def workflow_problems(conn: Connection) -> list[tuple[str, str]]:
    """(organization slug, message naming the field at fault) for every invalid workflow."""
    rows = list(conn.execute(sql("approvals/all_workflows")).mappings())
    problems = []
    for organization in dict.fromkeys(row["organization"] for row in rows):
        own = [row for row in rows if row["organization"] == organization]
        problems += [(organization, str(error)) for error in invalid_workflows(own)]
    return problems
