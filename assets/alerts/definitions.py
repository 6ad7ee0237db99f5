"""The alert sensors: a failed run, or a failed blocking check, posts one short message
to the on-call webhook (resources/alerts.py; the URL is the setting alerts/webhook_url).

run_failure_alert leaves out runs that failed only because a blocking check failed:
blocking_check_alert has already said which check, on which asset, so a failure is
announced once. Both ship RUNNING: they launch nothing, and without a webhook set
they record the failure and send nothing.
"""

from dagster import (
    AssetCheckEvaluation,
    DagsterEventType,
    DefaultSensorStatus,
    Definitions,
    RunFailureSensorContext,
    run_failure_sensor,
)
from dagster_shared.error import SerializableErrorInfo

from resources.alerts import Alert, AlertsResource, first_line
from resources.database import DatabaseResource
from resources.shared import DATABASE

RUN_FAILURE_ALERT = "run_failure_alert"
BLOCKING_CHECK_ALERT = "blocking_check_alert"
CHECK_FAILED_ERROR = "DagsterAssetCheckFailedError"  # a failed blocking check's step error


def _alert_sensor(name: str, about: str):
    return run_failure_sensor(
        name=name,
        monitor_all_code_locations=True,
        minimum_interval_seconds=30,
        default_status=DefaultSensorStatus.RUNNING,
        description=f"Posts {about} to the alerts webhook (setting alerts/webhook_url), "
        "within the hourly cap.",
    )


@_alert_sensor(
    RUN_FAILURE_ALERT,
    "run, job, failed assets, the first error line and a link for every failed run",
)
def run_failure_alert(
    context: RunFailureSensorContext, database: DatabaseResource, alerts: AlertsResource
) -> None:
    run = context.dagster_run
    failures = context.get_step_failure_events()
    errors = [_cause(event.event_specific_data.error) for event in failures]
    if errors and all(e is not None and e.cls_name == CHECK_FAILED_ERROR for e in errors):
        context.log.info(f"run {run.run_id}: a blocking check failed; {BLOCKING_CHECK_ALERT} tells")
        return
    first = next((e for e in errors if e is not None), None)
    alert = Alert(
        title="Dagster run failed",
        run_id=run.run_id,
        job_name=run.job_name,
        assets=tuple(sorted({event.step_key for event in failures if event.step_key})),
        error_line=first_line(first.message if first else context.failure_event.message),
        link=alerts.run_link(run.run_id),
    )
    delivery = alerts.send(database.get_engine(), RUN_FAILURE_ALERT, run.run_id, alert)
    context.log.info(f"run {run.run_id}: alert {delivery.status}")


@_alert_sensor(
    BLOCKING_CHECK_ALERT,
    "asset, check, run, job, the check's description and a link for every failed "
    "blocking check (it fails its run)",
)
def blocking_check_alert(
    context: RunFailureSensorContext, database: DatabaseResource, alerts: AlertsResource
) -> None:
    run = context.dagster_run
    for evaluation in failed_blocking_checks(context):
        asset = evaluation.asset_key.to_user_string()
        alert = Alert(
            title=f"Blocking check {evaluation.check_name} failed",
            run_id=run.run_id,
            job_name=run.job_name,
            assets=(asset,),
            error_line=first_line(evaluation.description or f"{evaluation.check_name} failed"),
            link=alerts.run_link(run.run_id),
        )
        subject = f"{run.run_id}:{asset}:{evaluation.check_name}"
        delivery = alerts.send(database.get_engine(), BLOCKING_CHECK_ALERT, subject, alert)
        context.log.info(f"{subject}: alert {delivery.status}")


def failed_blocking_checks(context: RunFailureSensorContext) -> list[AssetCheckEvaluation]:
    entries = context.instance.all_logs(
        context.dagster_run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
    )
    evaluations = [entry.dagster_event.event_specific_data for entry in entries]
    return [e for e in evaluations if not e.passed and e.blocking]


def _cause(error: SerializableErrorInfo | None) -> SerializableErrorInfo | None:
    """The error the asset raised, not Dagster's "error occurred while executing" wrapper."""
    while error is not None and error.cause is not None:
        error = error.cause
    return error


alert_sensors = [run_failure_alert, blocking_check_alert]
alert_resources = {"alerts": AlertsResource()}


defs = Definitions(sensors=alert_sensors, resources={**alert_resources, "database": DATABASE})
