"""Claim queued background_jobs rows and validate them (plain SQLAlchemy, no Dagster).

The caller's transaction holds the claimed rows' locks until it commits, so two
claimers never get the same row; rows that cannot become a run are failed in that
same transaction, with the reason.
"""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import Connection

from assets.background_jobs.rules import (
    QUEUE_JOB_TYPES,
    InvalidJob,
    JobSpec,
    ownership_problem,
    validate_job,
)
from resources.sql_files import sql

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClaimedJob:
    """A queued row that is now `running`: the attempt its run is to make."""

    id: str
    retry_count: int
    spec: JobSpec

    @property
    def run_key(self) -> str:
        # one run per attempt: Dagster launches a run key once, however often it is asked
        return f"background-job-{self.id}-attempt-{self.retry_count}"


@dataclass(frozen=True)
class RejectedJob:
    id: str
    reason: str


def named_owners(
    conn: Connection, request_ids: Iterable[str], asset_ids: Iterable[str]
) -> dict[str, dict[str, str]]:
    """{"request"|"asset": {id: organization id}} of the ids that exist."""
    owners: dict[str, dict[str, str]] = {"request": {}, "asset": {}}
    request_ids, asset_ids = list(request_ids), list(asset_ids)
    if not request_ids and not asset_ids:
        return owners
    rows = conn.execute(
        sql("background_jobs/named_owners"),
        {"request_ids": request_ids, "asset_ids": asset_ids},
    )
    for kind, row_id, organization_id in rows:
        owners[kind][str(row_id)] = str(organization_id)
    return owners


def check_job(
    conn: Connection,
    job_type: str,
    parameters: object,
    *,
    organization_id: UUID | str | None,
    content_request_id: UUID | str | None = None,
    analytics_days: tuple[date, date] | None = None,
) -> JobSpec:
    """The run a job asks for, or InvalidJob naming what is wrong: its parameters, then
    whether the ids it names exist and are its organization's.

    The queue sensor checks every claimed row with it; `socialpipe jobs queue` checks a
    job before inserting it, so the command line refuses exactly what the sensor would.
    ``conn`` must see every tenant's rows (the pipeline role) to tell another
    organization's ids from unknown ones.
    """
    spec = validate_job(
        job_type,
        parameters,
        content_request_id=content_request_id,
        analytics_days=analytics_days,
    )
    owners = named_owners(conn, spec.request_ids, spec.asset_ids)
    for kind, wanted in (("request", spec.request_ids), ("asset", spec.asset_ids)):
        problem = ownership_problem(organization_id, kind, wanted, owners[kind])
        if problem:
            raise InvalidJob(problem)
    return spec


def _check(conn: Connection, row: Mapping, analytics_days: tuple[date, date] | None) -> JobSpec:
    return check_job(
        conn,
        row["job_type"],
        row["parameters"],
        organization_id=row["organization_id"],
        content_request_id=row["content_request_id"],
        analytics_days=analytics_days,
    )


def _keep_valid_reject_others(
    conn: Connection, rows: Iterable[Mapping], analytics_days: tuple[date, date] | None
) -> tuple[list[ClaimedJob], list[RejectedJob]]:
    """The claimed rows whose job checks out; the others are written `failed` here, with
    their reason, in the claim's transaction."""
    claimed, rejected = [], []
    for row in rows:
        try:
            spec = _check(conn, row, analytics_days)
        except InvalidJob as error:
            conn.execute(
                sql("background_jobs/reject_job"),
                {"id": row["id"], "attempt": row["retry_count"], "error_message": str(error)},
            )
            rejected.append(RejectedJob(str(row["id"]), str(error)))
            continue
        claimed.append(ClaimedJob(str(row["id"]), row["retry_count"], spec))
    return claimed, rejected


def claim_jobs(
    conn: Connection, *, limit: int, analytics_days: tuple[date, date] | None = None
) -> tuple[list[ClaimedJob], list[RejectedJob]]:
    """Claim up to ``limit`` due queued rows, most urgent first: the valid ones are now
    `running` and returned to be launched, the others `failed` with their reason."""
    rows = conn.execute(sql("background_jobs/claim_due_jobs"), {"limit": limit}).mappings().all()
    return _keep_valid_reject_others(conn, rows, analytics_days)


def stale_attempts(
    conn: Connection,
    *,
    minutes: int,
    limit: int,
) -> list[ClaimedJob]:
    """Attempts claimed over ``minutes`` ago and still unsettled, to be looked into.

    They passed every check when they were claimed, and their run may still be going:
    they are never failed here (a request deleted since does not void a run in flight).
    Their spec is rebuilt from the parameters alone, which do not change."""
    rows = (
        conn.execute(
            sql("background_jobs/stale_attempts"),
            {"job_types": list(QUEUE_JOB_TYPES), "minutes": minutes, "limit": limit},
        )
        .mappings()
        .all()
    )
    stale = []
    for row in rows:
        try:
            spec = validate_job(
                row["job_type"], row["parameters"], content_request_id=row["content_request_id"]
            )
        except InvalidJob as error:  # rules tightened since the claim: leave it to its run
            log.warning("background job %s: cannot rebuild its run: %s", row["id"], error)
            continue
        stale.append(ClaimedJob(str(row["id"]), row["retry_count"], spec))
    return stale
