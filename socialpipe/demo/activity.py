"""Human actions (user_activity_logs) and past pipeline work (background_jobs).

Derived from the demo's own requests and approvals, so the audit trail tells
the same story as the data: who asked for what, who approved it, which runs
succeeded and which failed.
"""

from datetime import date, timedelta

from sqlalchemy import Connection

from resources.sql_files import sql
from socialpipe.demo.catalog import ORGANIZATIONS, USERS
from socialpipe.demo.db import as_json, insert_rows
from socialpipe.demo.ids import at, demo_id, rng_for
from socialpipe.demo.requests import DemoRequest
from socialpipe.demo.tenants import organization_id, user_id

USER_AGENTS = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Version/17.4 Safari",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
)


def _ip(index: int) -> str:
    """Addresses from the documentation ranges (RFC 5737 / RFC 3849), never real ones."""
    if index % 4 == 3:
        return f"2001:db8::{index + 16:x}"
    return f"{('192.0.2', '198.51.100', '203.0.113')[index % 3]}.{20 + index}"


def _log(
    user: str,
    org: str | None,
    action: str,
    when,
    resource_type: str | None = None,
    resource_id=None,
    details: dict | None = None,
    duration: int | None = None,
) -> dict:
    index = next(i for i, u in enumerate(USERS) if str(user_id(u.username)) == str(user))
    return {
        "id": demo_id("activity", user, action, resource_id, when.isoformat()),
        "user_id": user,
        "organization_id": organization_id(org) if org else None,
        "action": action,
        "resource_type": resource_type,
        "resource_id": resource_id,
        "session_id": demo_id("session", user, when.date().isoformat()).hex,
        "ip_address": _ip(index),
        "user_agent": USER_AGENTS[index % len(USER_AGENTS)],
        "activity_details": as_json(details or {}),
        "duration_seconds": duration,
        "created_at": when,
    }


def activity_rows(
    requests: list[DemoRequest], approvals: list[dict], anchor: date
) -> list[dict[str, object]]:
    rng = rng_for("activity")
    rows = []
    for user in USERS:
        for slug in user.memberships:
            for _ in range(2):
                when = at(anchor, float(rng.uniform(0, 30)), float(rng.uniform(7, 19)))
                rows.append(
                    _log(
                        user_id(user.username),
                        slug,
                        "login",
                        when,
                        details={"method": "password"},
                        duration=int(rng.integers(300, 5400)),
                    )
                )
    for request in requests:
        rows.append(
            _log(
                request.requested_by,
                request.organization,
                "content_request.create",
                request.created_at,
                "content_request",
                request.id,
                {"title": request.idea.title, "platforms": request.platforms},
                int(rng.integers(60, 900)),
            )
        )
    for approval in (a for a in approvals if a["approver_id"] is not None):
        slug = next(
            o.slug for o in ORGANIZATIONS if organization_id(o.slug) == approval["organization_id"]
        )
        rows.append(
            _log(
                approval["approver_id"],
                slug,
                "content_approval.approve",
                approval["decision_date"],
                "content_request",
                approval["content_request_id"],
                {"step": approval["step_number"]},
                int(rng.integers(20, 400)),
            )
        )
    return rows


def insert_activity(conn: Connection, rows: list[dict[str, object]]) -> None:
    insert_rows(conn, sql("demo/insert_activity"), rows)


def _job(
    key: str,
    job_type: str,
    name: str,
    status: str,
    started,
    minutes: float,
    org: str,
    parameters: dict,
    result: dict | None = None,
    error: str | None = None,
    user=None,
    request=None,
) -> dict[str, object]:
    return {
        "id": demo_id("job", key),
        "job_type": job_type,
        "job_name": name,
        "parameters": as_json(parameters),
        "status": status,
        "started_at": started,
        "completed_at": started + timedelta(minutes=minutes),
        "result": None if result is None else as_json(result),
        "error_message": error,
        # a failed job shown here has used up its retries, so no sensor picks it up again
        "retry_count": 3 if status == "failed" else 0,
        "scheduled_for": started - timedelta(minutes=1),
        "organization_id": organization_id(org),
        "user_id": user,
        "content_request_id": request,
        "created_at": started - timedelta(minutes=1),
    }


def job_rows(requests: list[DemoRequest], anchor: date) -> list[dict[str, object]]:
    rows = []
    for request in (r for r in requests if r.started_at is not None):
        failed = request.status == "failed"
        rows.append(
            _job(
                f"generate/{request.id}",
                "generate_content",
                f"Generate: {request.idea.title}",
                "failed" if failed else "succeeded",
                request.started_at,
                (request.completed_at - request.started_at).total_seconds() / 60,
                request.organization,
                {"content_request_ids": [str(request.id)], "platforms": request.platforms},
                None if failed else {"generated_assets": len(request.platforms)},
                "local renderer: HTTP 500 after 4 attempts (headline does not fit its zone)"
                if failed
                else None,
                request.requested_by,
                request.id,
            )
        )
    for org in ORGANIZATIONS:
        for days_before in (3, 2, 1):
            failed = org.slug == "lumen-fitness" and days_before == 2
            rows.append(
                _job(
                    f"metrics/{org.slug}/{days_before}",
                    "sync_platform_metrics",
                    "Sync platform metrics",
                    "failed" if failed else "succeeded",
                    at(anchor, days_before, 4),
                    3.5,
                    org.slug,
                    {"date": (anchor - timedelta(days=days_before)).isoformat()},
                    None if failed else {"rows": 12},
                    "instagram: OAuth token expired (code 190); reconnect the account"
                    if failed
                    else None,
                )
            )
    return rows


def insert_jobs(conn: Connection, rows: list[dict[str, object]]) -> None:
    insert_rows(conn, sql("demo/insert_job"), rows)
