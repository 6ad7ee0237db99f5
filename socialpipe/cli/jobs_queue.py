"""What `socialpipe jobs queue` writes: a job checked with the queue sensor's own rules,
then inserted as an application inserts it.

No typer here: `jobs.py` turns a `Refused` into its one-line refusal. Importing this
module loads the asset graph (through the background_jobs package), so `jobs.py`
imports it only when a job is queued.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import Connection, Engine

from assets.background_jobs.launch import analytics_days
from assets.background_jobs.queue import check_job
from assets.background_jobs.rules import RERENDER_VARIANTS, InvalidJob, JobSpec
from resources.sql_files import sql
from resources.tenancy import tenant_connection


class Refused(ValueError):
    """A job the queue sensor would fail at once, or options that name no job."""


@dataclass(frozen=True)
class QueuedJob:
    id: UUID
    scheduled_for: datetime


def parameters_from(
    requests: list[str], assets: list[str], start: str | None, end: str | None, force: bool | None
) -> dict[str, object]:
    """The parameters the options give, and only those: the queue's rules then refuse
    one the job type does not take (--asset for regenerate_request) instead of it
    being silently dropped."""
    given: dict[str, object] = {
        "request_ids": requests,
        "asset_ids": assets,
        "start": start,
        "end": end,
        "force": force,
    }
    return {key: value for key, value in given.items() if value is not None and value != []}


def scheduled_time(at: str | None) -> datetime | None:
    if at is None:
        return None
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        raise Refused(
            f"--at {at!r} is not an ISO date-time (e.g. 2026-03-01T09:30 or 2026-03-01T09:30+02:00)"
        ) from None
    # without an offset it is read as the operator's local time, like a wall clock
    return moment if moment.tzinfo else moment.astimezone()


def check(
    conn: Connection, job_type: str, parameters: dict[str, object], organization_id: UUID
) -> JobSpec:
    """The job as the queue sensor will see it, or Refused with the sensor's reason.

    ``conn`` is the pipeline role's: it sees every tenant's rows, so another
    organization's ids are named as such, exactly as the sensor names them.
    """
    try:
        return check_job(
            conn,
            job_type,
            parameters,
            organization_id=organization_id,
            analytics_days=analytics_days(),
        )
    except InvalidJob as error:
        raise Refused(f"{job_type}: {error}") from None


def stored_parameters(spec: JobSpec) -> dict[str, object]:
    """The checked parameters as the docs write them: ids deduplicated, dates ISO."""
    if spec.first_day is not None and spec.last_day is not None:
        return {"start": spec.first_day.isoformat(), "end": spec.last_day.isoformat()}
    if spec.job_type == RERENDER_VARIANTS:
        return {
            "request_ids": list(spec.request_ids),
            "asset_ids": list(spec.asset_ids),
            "force": spec.force,
        }
    return {"request_ids": list(spec.request_ids)}


def label(spec: JobSpec) -> str:
    """The row's job_name, in the mirrored runs' style, marked as the command line's."""
    if spec.first_day is not None:
        covers = f"{spec.first_day} .. {spec.last_day}"
    else:
        counts = ((len(spec.request_ids), "request"), (len(spec.asset_ids), "asset"))
        covers = ", ".join(f"{count} {kind}(s)" for count, kind in counts if count)
    return f"{spec.job_type}: {covers} (cli)"


def insert_job(
    engine: Engine,
    organization_id: UUID,
    spec: JobSpec,
    *,
    priority: int,
    max_retries: int,
    scheduled_for: datetime | None,
) -> QueuedJob:
    """Insert the queued row in the tenant's session, as an application does."""
    # a job about one request is findable by content_request_id, as mirrored runs are
    single = spec.request_ids[0] if len(spec.request_ids) == 1 else None
    with tenant_connection(engine, organization_id) as conn:
        row = conn.execute(
            sql("background_jobs/queue_job"),
            {
                "job_type": spec.job_type,
                "job_name": label(spec),
                "parameters": json.dumps(stored_parameters(spec)),
                "priority": priority,
                "max_retries": max_retries,
                "scheduled_for": scheduled_for,
                "organization_id": organization_id,
                "content_request_id": single,
            },
        ).one()
    return QueuedJob(row.id, row.scheduled_for)
