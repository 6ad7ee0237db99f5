"""Write what a Dagster run did into background_jobs (plain SQLAlchemy, no Dagster).

A run that is an attempt of a queued job (tagged by the queue sensor) settles that
job's row: started, succeeded, cancelled, failed, or queued again after a backoff.
Any other run gets a row of its own, keyed by its run id. Every write is idempotent:
reporting a run twice, or its start after its end, leaves the same row.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine

from assets.background_jobs.queue import named_owners
from assets.background_jobs.runs import (
    RunFacts,
    job_type_for,
    named_ids,
    run_label,
    run_parameters,
    should_mirror,
    single_organization,
    summarise,
)
from resources.sql_files import sql

# 2**30 × any sensible base is far past any cap; the exponent stops there so that a
# huge retry_count cannot overflow a float
MAX_BACKOFF_EXPONENT = 30


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff for a failed attempt: base × 2**retry_count, capped."""

    base_seconds: float = 60.0
    max_seconds: float = 3600.0

    def delay(self, retry_count: int) -> float:
        exponent = min(max(retry_count, 0), MAX_BACKOFF_EXPONENT)
        return min(self.max_seconds, self.base_seconds * 2**exponent)


@dataclass(frozen=True)
class Settlement:
    """What a finished attempt leaves in its row."""

    status: str
    retry_count: int
    retry_in_seconds: float | None = None  # set when the row is queued again


def settle(outcome: str, retry_count: int, max_retries: int, policy: RetryPolicy) -> Settlement:
    """The row's next state after an attempt ended with ``outcome`` (a run status).

    Only failures are retried: a cancelled run was stopped by someone on purpose.
    """
    if outcome == "failed" and retry_count < max_retries:
        return Settlement("queued", retry_count + 1, policy.delay(retry_count))
    return Settlement(outcome, retry_count)


def mirror_run(engine: Engine, facts: RunFacts, policy: RetryPolicy | None = None) -> str:
    """Record ``facts`` in background_jobs; returns what was done, for the sensor's log."""
    if not should_mirror(facts.job_name, facts.status):
        return "not mirrored: the job records its own work"
    with engine.begin() as conn:
        job_id, attempt = facts.background_job_id, facts.attempt
        if job_id is not None and attempt is not None:
            done = _settle_attempt(conn, job_id, attempt, facts, policy or RetryPolicy())
            if done is not None:
                return done
        return _record_run(conn, facts)


def _failure(facts: RunFacts) -> str:
    return facts.error or f"run {facts.run_id} failed (no error message)"


def _json(value: Mapping[str, Any]) -> str:
    return json.dumps(value, default=str)


def _settle_attempt(
    conn: Connection, job_id: str, attempt: int, facts: RunFacts, policy: RetryPolicy
) -> str | None:
    """Apply the run to its queued job's row; None when the row is gone (its organization
    was deleted), so that the run is still recorded on its own."""
    row = conn.execute(sql("background_jobs/lock_job"), {"id": job_id}).mappings().first()
    if row is None:
        return None
    # an earlier attempt's late report, or a row an application cancelled meanwhile
    if row["status"] != "running" or row["retry_count"] != attempt:
        return f"job {job_id}: attempt {attempt} already settled ({row['status']})"
    if facts.status == "running":
        conn.execute(
            sql("background_jobs/start_attempt"),
            {"id": job_id, "run_id": facts.run_id, "started_at": facts.started_at},
        )
        return f"job {job_id}: attempt {attempt} started"
    result = summarise(facts)
    settlement = settle(facts.status, row["retry_count"], row["max_retries"], policy)
    if settlement.retry_in_seconds is not None:
        conn.execute(
            sql("background_jobs/requeue_attempt"),
            {
                "id": job_id,
                "run_id": facts.run_id,
                "retry_count": settlement.retry_count,
                "retry_in_seconds": settlement.retry_in_seconds,
                "result": _json(result),
                "error_message": _failure(facts),
            },
        )
        return (
            f"job {job_id}: attempt {attempt} failed; retry {settlement.retry_count} of "
            f"{row['max_retries']} in {settlement.retry_in_seconds:g} s"
        )
    result["attempts"] = attempt + 1
    if settlement.status == "succeeded":
        error = None
        if row["error_message"]:
            # an earlier attempt's error stays readable, out of the way of "what failed"
            result["previous_error"] = row["error_message"]
    else:
        error = _failure(facts) if settlement.status == "failed" else row["error_message"]
    conn.execute(
        sql("background_jobs/finish_attempt"),
        {
            "id": job_id,
            "status": settlement.status,
            "run_id": facts.run_id,
            "started_at": facts.started_at,
            "completed_at": facts.completed_at,
            "result": _json(result),
            "error_message": error,
        },
    )
    return f"job {job_id}: attempt {attempt} {settlement.status}"


def _record_run(conn: Connection, facts: RunFacts) -> str:
    parameters = run_parameters(facts)
    request_ids, asset_ids = named_ids(facts.run_config)
    owners = named_owners(conn, request_ids, asset_ids)
    organization = single_organization([*owners["request"].values(), *owners["asset"].values()])
    # the request column is for a run about one request (and must reference a real one)
    one = len(request_ids) == 1 and request_ids[0] in owners["request"]
    request = request_ids[0] if one else None
    recorded = conn.execute(
        sql("background_jobs/record_run"),
        {
            "job_type": job_type_for(facts.job_name),
            "job_name": run_label(facts, parameters),
            "parameters": _json(parameters),
            "status": facts.status,
            "started_at": facts.started_at,
            "completed_at": facts.completed_at,
            "result": _json(summarise(facts)),
            "error_message": _failure(facts) if facts.status == "failed" else None,
            "retry_count": facts.retry_number,
            "organization_id": organization,
            "content_request_id": request,
            "run_id": facts.run_id,
        },
    ).first()
    if recorded is None:
        return f"run {facts.run_id}: already recorded as finished"
    return f"run {facts.run_id}: recorded as {facts.status}"
