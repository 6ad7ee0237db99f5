"""Read a Dagster run from its instance into RunFacts (the run record and its events).

Every caller — the four run-status sensors, the queue sensor's reconciliation and the
command line — mirrors the run as the instance knows it *now*, not the one event that
woke it: so a late "started" event after the run already failed still records the
failure, and the order in which the sensors tick does not matter.
"""

from datetime import UTC, datetime
from typing import Any

from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus
from sqlalchemy import Engine

from assets.background_jobs.mirror import RetryPolicy, mirror_run
from assets.background_jobs.runs import Materialization, RunFacts

STATUS = {
    DagsterRunStatus.SUCCESS: "succeeded",
    DagsterRunStatus.FAILURE: "failed",
    DagsterRunStatus.CANCELED: "cancelled",
}
EVENT_TYPES = {
    DagsterEventType.ASSET_MATERIALIZATION,
    DagsterEventType.ASSET_CHECK_EVALUATION,
    DagsterEventType.STEP_FAILURE,
    DagsterEventType.RUN_FAILURE,
}


MAX_ERROR_CHARS = 500


def error_line(message: str | None, *, where: str | None = None) -> str | None:
    """The first non-empty line of an error, prefixed with where it happened, bounded:
    tracebacks belong in the Dagster run's log, the row says what went wrong."""
    line = next((part.strip() for part in (message or "").splitlines() if part.strip()), "")
    if not line:
        return None
    if where:
        line = f"{where}: {line}"
    if len(line) > MAX_ERROR_CHARS:
        line = line[: MAX_ERROR_CHARS - 1].rstrip() + "…"
    return line


def _time(timestamp: float | None) -> datetime | None:
    return datetime.fromtimestamp(timestamp, UTC) if timestamp else None


def _readable(error: Any) -> Any:
    """The first error of a SerializableErrorInfo chain that is not Dagster's wrapper
    ("Error occurred while executing op …"): the asset's own exception."""
    while (
        error is not None
        and (error.cls_name or "").startswith("Dagster")
        and (error.cause or error.context) is not None
    ):
        error = error.cause or error.context
    return error


def _plain(value: object) -> object:
    return getattr(value, "value", value)


def run_facts(instance: DagsterInstance, run_id: str) -> RunFacts | None:
    """The run as the instance knows it now; None if the instance has no such run."""
    record = instance.get_run_record_by_id(run_id)
    if record is None:
        return None
    run = record.dagster_run
    materializations: list[Materialization] = []
    passed = failed = steps_failed = 0
    step_error: str | None = None
    run_error: str | None = None
    for entry in instance.all_logs(run_id, of_type=EVENT_TYPES):
        event = entry.dagster_event
        if event is None:
            continue
        if event.event_type == DagsterEventType.ASSET_MATERIALIZATION:
            materialization = event.step_materialization_data.materialization
            materializations.append(
                Materialization(
                    materialization.asset_key.to_user_string(),
                    {key: _plain(value) for key, value in materialization.metadata.items()},
                )
            )
        elif event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
            if event.asset_check_evaluation_data.passed:
                passed += 1
            else:
                failed += 1
        elif event.event_type == DagsterEventType.STEP_FAILURE:
            steps_failed += 1
            if step_error is None:
                data = event.step_failure_data
                described = data.user_failure_data.description if data.user_failure_data else None
                readable = _readable(data.error)
                step_error = error_line(
                    described or (readable.message if readable else event.message),
                    where=event.step_key,
                )
        elif event.event_type == DagsterEventType.RUN_FAILURE and run_error is None:
            readable = _readable(getattr(event.event_specific_data, "error", None))
            run_error = error_line(readable.message if readable else event.message)
    status = STATUS.get(run.status, "running")
    return RunFacts(
        run_id=run.run_id,
        job_name=run.job_name,
        status=status,
        tags=dict(run.tags),
        run_config=dict(run.run_config or {}),
        started_at=_time(record.start_time),
        completed_at=_time(record.end_time) if status != "running" else None,
        materializations=tuple(materializations),
        checks_passed=passed,
        checks_failed=failed,
        steps_failed=steps_failed,
        # the first failing step says more than "Steps failed: [...]"
        error=(step_error or run_error) if status == "failed" else None,
    )


def mirror_dagster_run(
    engine: Engine, instance: DagsterInstance, run_id: str, policy: RetryPolicy | None = None
) -> str:
    """Mirror the run ``run_id`` of ``instance`` into background_jobs (see mirror.py)."""
    facts = run_facts(instance, run_id)
    if facts is None:
        return f"run {run_id}: not in this Dagster instance"
    return mirror_run(engine, facts, policy)
