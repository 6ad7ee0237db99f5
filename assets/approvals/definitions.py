"""The approvals stage in Dagster: the content_approvals asset and the escalation job.

Thin on purpose: the asset and the op call routing.py and escalation.py and report
what happened in their metadata. Register `approval_assets`, `approval_jobs` and
`approval_schedules` in pipeline_defs/definitions.py.
"""

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetObservation,
    Config,
    DefaultScheduleStatus,
    Definitions,
    MaterializeResult,
    MetadataValue,
    OpExecutionContext,
    ScheduleDefinition,
    asset,
    define_asset_job,
    job,
    op,
)
from pydantic import Field

from assets.approvals.escalation import Escalated, escalate_overdue
from assets.approvals.routing import Routed, route_requests, workflow_problems
from assets.catalog import table_metadata
from assets.owners import owned
from core.tables import markdown_table
from resources.database import DatabaseResource
from resources.shared import DATABASE

APPROVALS_GROUP = "approvals"
ROUTING_JOB_NAME = "content_approval_routing"
ESCALATION_JOB_NAME = "approval_escalation"


class ApprovalConfig(Config):
    request_ids: list[str] = Field(
        default_factory=list,
        description="content_requests ids to route; empty: every generated request whose "
        "images are all scored",
    )


TABLE_ROWS = 50


def _routing_table(outcomes: list[Routed]) -> str:
    return markdown_table(
        ("request", "outcome", "workflow", "approvers / detail"),
        [
            (
                o.title[:60],
                o.outcome,
                o.workflow,
                (", ".join(o.approvers) if o.approvers else o.detail or "")[:200],
            )
            for o in outcomes
        ],
        limit=TABLE_ROWS,
    )


@asset(
    group_name=APPROVALS_GROUP,
    kinds={"postgres"},
    # a string key: the variants stage defines asset_variants
    deps=["asset_variants"],
)
def content_approvals(
    context: AssetExecutionContext, config: ApprovalConfig, database: DatabaseResource
) -> MaterializeResult:
    """Scored requests enter their organization's most specific approval workflow:
    auto-approved by a matching rule (request → approved), or step 1's approvers get
    pending content_approvals rows (request → awaiting_approval)."""
    engine = database.get_engine()
    with engine.connect() as conn:
        problems = workflow_problems(conn)
    for organization, problem in problems:
        context.log.warning(f"{organization}: {problem} — not used")
    outcomes = route_requests(engine, config.request_ids)
    for o in outcomes:
        if o.outcome == "not_routed":
            context.log.warning(f"request {o.request_id}: not routed — {o.detail}")
    count = {
        kind: sum(o.outcome == kind for o in outcomes)
        for kind in ("auto_approved", "awaiting_approval", "not_routed", "skipped")
    }
    metadata: dict = {"requests": len(outcomes), **count, "invalid_workflows": len(problems)}
    if outcomes:
        metadata["preview"] = MetadataValue.md(_routing_table(outcomes))
    if problems:
        metadata["invalid_workflow_details"] = MetadataValue.md(
            markdown_table(("organization", "problem"), problems, limit=None)
        )
    return MaterializeResult(metadata={**metadata, **table_metadata(engine, "content_approvals")})


content_approval_routing = define_asset_job(
    ROUTING_JOB_NAME,
    selection=[content_approvals],
    description="Route scored content requests into their approval workflows.",
)


def _escalation_table(done: list[Escalated]) -> str:
    return markdown_table(
        ("request", "step", "escalated to"),
        [(e.title[:60], f"{e.step_number} {e.step_name}", ", ".join(e.escalated_to)) for e in done],
        limit=TABLE_ROWS,
        empty="No step was overdue.",
    )


@op
def escalate_overdue_approvals(context: OpExecutionContext, database: DatabaseResource) -> None:
    """Escalate every approval step past its sla_hours to its escalate_to; each escalation
    is recorded as a background_jobs row (job_type approval_escalation)."""
    done = escalate_overdue(database.get_engine(), run_id=context.run_id)
    for e in done:
        context.log.info(
            f"escalated step {e.step_number} of {e.title!r} to {', '.join(e.escalated_to)}"
        )
    context.log_event(
        AssetObservation(
            asset_key=AssetKey("content_approvals"),
            metadata={
                "escalated_steps": len(done),
                "escalations": MetadataValue.md(_escalation_table(done)),
            },
        )
    )


@job(name=ESCALATION_JOB_NAME, description="Escalate approval steps past their SLA.")
def approval_escalation():
    escalate_overdue_approvals()


approval_escalation_schedule = ScheduleDefinition(
    name="approval_escalation_hourly",
    job=approval_escalation,
    cron_schedule="7 * * * *",
    execution_timezone="UTC",
    # like the request sensor: turned on in the UI (Automation) where the daemon runs
    default_status=DefaultScheduleStatus.STOPPED,
    description="Hourly: escalate approval steps whose sla_hours have passed.",
)

approval_assets = [content_approvals]
approval_jobs = [content_approval_routing, approval_escalation]
approval_schedules = [approval_escalation_schedule]


defs = Definitions(
    assets=owned(approval_assets),
    jobs=approval_jobs,
    schedules=approval_schedules,
    resources={"database": DATABASE},
)
