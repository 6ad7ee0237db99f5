"""Running background_jobs the way Dagster would: real runs, real sensor evaluations.

The daemon is not started: a test executes what a RunRequest asks for in-process on a
real instance, then evaluates the run-status sensors on that run, as the daemon would
after the run's events.
"""

from pathlib import Path
from types import SimpleNamespace

from dagster import (
    DagsterEventType,
    DagsterInstance,
    Definitions,
    RunRequest,
    build_run_status_sensor_context,
    build_sensor_context,
)
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from assets.background_jobs import BackgroundJobsResource, background_job_queue_sensor
from assets.background_jobs.sensors import (
    background_job_run_cancelled,
    background_job_run_failed,
    background_job_run_started,
    background_job_run_succeeded,
)
from pipeline_defs.definitions import ASSET_CHECKS, ASSETS, JOBS
from resources.database import DatabaseResource
from resources.image_providers import ImageProviderResource
from resources.image_store import ImageStoreResource
from resources.metrics_source import MetricsSourceResource
from resources.migrations import upgrade
from tests.factories import make_brand, make_generated_asset, make_org, make_request, make_user

# the event that wakes each mirroring sensor
SENSOR_EVENTS = {
    background_job_run_started: DagsterEventType.RUN_START,
    background_job_run_succeeded: DagsterEventType.RUN_SUCCESS,
    background_job_run_failed: DagsterEventType.RUN_FAILURE,
    background_job_run_cancelled: DagsterEventType.RUN_CANCELED,
}


def broken_url(url: str) -> str:
    """The same server, a database that does not exist: every step that connects fails."""
    return make_url(url).set(database="no_such_database").render_as_string(hide_password=False)


def definitions(url: str, media: Path, metrics: Path | None = None) -> Definitions:
    """The code location's jobs over the given database, image store and metrics folder."""
    return Definitions(
        assets=ASSETS,
        asset_checks=ASSET_CHECKS,
        jobs=JOBS,
        resources={
            "database": DatabaseResource(url=url),
            "image_store": ImageStoreResource(root=str(media)),
            "image_provider": ImageProviderResource(default_provider="local"),
            "metrics_source": MetricsSourceResource(folder=str(metrics or media / "metrics")),
        },
    )


def execute(defs: Definitions, request: RunRequest, instance: DagsterInstance):
    """Run what a RunRequest asks for, in-process, with its config, tags and selection."""
    return defs.resolve_job_def(request.job_name).execute_in_process(
        run_config=request.run_config,
        tags=request.tags,
        asset_selection=request.asset_selection,
        instance=instance,
        raise_on_error=False,
    )


def resources(url: str, **settings) -> dict:
    return {
        "database": DatabaseResource(url=url),
        "background_jobs": BackgroundJobsResource(**settings),
    }


def report(sensor, instance: DagsterInstance, run_id: str, url: str, **settings) -> None:
    """Evaluate a mirroring sensor on the event of ``run_id`` that wakes it."""
    (entry,) = instance.all_logs(run_id, of_type=SENSOR_EVENTS[sensor])
    context = build_run_status_sensor_context(
        sensor_name=sensor.name,
        dagster_event=entry.dagster_event,
        dagster_instance=instance,
        dagster_run=instance.get_run_by_id(run_id),
        resources=resources(url, **settings),
    )
    sensor(context)


def evaluate(instance: DagsterInstance, url: str, cursor: str | None = None, **settings):
    """One evaluation of the queue sensor: its SensorResult."""
    context = build_sensor_context(
        instance=instance, cursor=cursor, resources=resources(url, **settings)
    )
    return background_job_queue_sensor(context)


def tick(instance: DagsterInstance, url: str, **settings) -> list[RunRequest]:
    """One evaluation of the queue sensor; the run requests it made."""
    return list(evaluate(instance, url, **settings).run_requests or [])


def job_row(engine: Engine, job_id) -> SimpleNamespace:
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "select *, extract(epoch from scheduled_for - updated_at) as wait_seconds "
                "from background_jobs where id = :id"
            ),
            {"id": job_id},
        ).mappings()
        return SimpleNamespace(**row.one())


def run_rows(engine: Engine, run_id: str) -> list[SimpleNamespace]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("select * from background_jobs where dagster_run_id = :run_id"),
            {"run_id": run_id},
        ).mappings()
        return [SimpleNamespace(**row) for row in rows]


def two_tenants(url: str) -> SimpleNamespace:
    """A migrated database of its own with two tenants, a request each (X only) and the
    first one's generated asset; no brand kits, so runs over it are quick."""
    upgrade(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        user = make_user(conn)
        org, other_org = make_org(conn, user), make_org(conn, user)
        brand, other_brand = make_brand(conn, org, user), make_brand(conn, other_org, user)
        request = make_request(conn, org, brand, user, target_platforms=["x"])
        other_request = make_request(conn, other_org, other_brand, user)
        asset = make_generated_asset(conn, request, brand, platform="x")
        slugs = dict(
            conn.execute(
                text("select id, slug from organizations where id in (:org, :other)"),
                {"org": org, "other": other_org},
            ).all()
        )
    return SimpleNamespace(
        url=url,
        engine=engine,
        org=org,
        slug=slugs[org],
        other_org=other_org,
        other_slug=slugs[other_org],
        request=str(request),
        other_request=str(other_request),
        asset=str(asset),
    )
