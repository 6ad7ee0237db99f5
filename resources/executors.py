"""How a content run executes its steps: in this process, in a process per step, or as
Celery tasks on RabbitMQ that workers on any host pick up (docs/DEPLOYMENT.md).

One executor with three modes, chosen in run config (the launchpad, a sensor's
RunRequest, `socialpipe requests process --executor celery`):

    execution: {config: {multiprocess: {max_concurrent: 4}}}    # the default
    execution: {config: {celery: {broker: amqp://…}}}

The Celery mode is dagster-celery's executor with the settings that let a worker die:
tasks are acknowledged after the step, not before (a worker killed mid-step leaves its
task on the broker, which hands it to another worker), one task at a time per worker,
and a broker that does not answer fails the run at once, naming its URL.
"""

import os
import subprocess
import warnings
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from dagster import (
    DagsterError,
    Field,
    InitExecutorContext,
    Selector,
    executor,
    multi_or_in_process_executor,
    multiple_process_executor_requirements,
)
from dagster_celery import celery_executor
from dagster_celery.executor import CeleryExecutor

DEFAULT_BROKER_URL = "amqp://guest:guest@127.0.0.1:5672//"
# results travel back over the broker itself (a reply queue per run worker): only the
# run worker that submitted a step reads its result, once, so nothing needs to keep it,
# and a deployment has one service fewer to run than with Redis
DEFAULT_RESULT_BACKEND = "rpc://"


# what every Celery app of the project (run worker and step workers) is configured with
CELERY_SETTINGS: dict = {
    # a step's task is acknowledged when the step is over: a worker killed mid-step
    # never acknowledges it, and the broker delivers it to another worker
    "task_acks_late": True,
    "task_reject_on_worker_lost": True,
    # one task at a time per worker process, none held in reserve: a dead worker holds
    # one step back, not a prefetched queue of them
    "worker_prefetch_multiplier": 1,
    # a step can run for minutes in a solo-pool worker, which answers no heartbeats
    # meanwhile; a dead worker's connection is closed by its kernel, so none are needed
    "broker_heartbeat": 0,
    # give up on a broker that does not answer within about a second
    "broker_connection_timeout": 2,
    "broker_transport_options": {
        "max_retries": 2,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
    },
    "worker_hijack_root_logger": False,
}


def broker_url() -> str:
    """CELERY_BROKER_URL, else the machine's RabbitMQ."""
    return os.environ.get("CELERY_BROKER_URL") or DEFAULT_BROKER_URL


def celery_queue() -> str:
    """The queue steps are sent to and workers listen on: dagster-celery's `dagster`,
    else SOCIALPIPE_CELERY_QUEUE (one per deployment sharing a broker, or per test)."""
    return os.environ.get("SOCIALPIPE_CELERY_QUEUE") or "dagster"


def result_backend() -> str:
    return os.environ.get("CELERY_RESULT_BACKEND") or DEFAULT_RESULT_BACKEND


def redacted(url: str) -> str:
    """The URL with its password hidden, for messages."""
    from kombu.utils.url import maybe_sanitize_url

    return maybe_sanitize_url(url)


CODE_VERSION_TAG = "socialpipe/code_version"


@cache
def code_version() -> str:
    """The commit this process runs: SOCIALPIPE_CODE_VERSION (an image's build), else
    git's HEAD of the checkout, else "unknown"."""
    configured = os.environ.get("SOCIALPIPE_CODE_VERSION")
    if configured:
        return configured
    try:
        done = subprocess.run(
            ["git", "-C", str(Path(__file__).parent), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip() or "unknown"


class OtherCodeError(Exception):
    """A worker was sent a step of a run started from another commit."""


def refuse_other_code(execute_step_args_packed: Mapping, worker: str | None) -> None:
    """Raise OtherCodeError when the step's run names another code version than ours."""
    from dagster import DagsterInstance
    from dagster_shared.serdes import unpack_value

    args = unpack_value(dict(execute_step_args_packed))
    with DagsterInstance.from_ref(args.instance_ref) as instance:
        run = instance.get_run_by_id(args.run_id)
    expected = run.tags.get(CODE_VERSION_TAG) if run else None
    if expected and expected != code_version():
        raise OtherCodeError(
            f"worker {worker} runs code {code_version()}, run {args.run_id} was started from "
            f"code {expected}: step refused; deploy the same commit to every worker"
        )


class BrokerUnreachableError(DagsterError):
    """The Celery broker did not answer: no step was sent."""


class SocialpipeCeleryExecutor(CeleryExecutor):
    """dagster-celery's executor that checks its broker before it submits any step."""

    def execute(self, plan_context, execution_plan):
        check_broker(self.broker)
        # the workers compare it with their own (pipeline_defs/celery_app.py)
        plan_context.instance.add_run_tags(
            plan_context.dagster_run.run_id, {CODE_VERSION_TAG: code_version()}
        )
        with warnings.catch_warnings():
            # dagster-celery registers its task again for every step it submits: harmless
            warnings.filterwarnings("ignore", message="Task name 'execute_plan' is already")
            yield from super().execute(plan_context, execution_plan)


def check_broker(url: str) -> None:
    """Raise BrokerUnreachableError, naming the URL, when nothing answers there."""
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, timeout=3)
    except Exception as error:  # noqa: BLE001 - any failure to connect is the same answer
        raise BrokerUnreachableError(
            f"Celery broker {redacted(url)} is unreachable ({type(error).__name__}: "
            f"{error}); start RabbitMQ there or set CELERY_BROKER_URL"
        ) from error


def _celery_from_config(
    init_context: InitExecutorContext, config: Mapping
) -> SocialpipeCeleryExecutor:
    source = {
        **CELERY_SETTINGS,
        "task_default_queue": celery_queue(),
        **(config.get("config_source") or {}),
    }
    base = celery_executor.executor_creation_fn(
        InitExecutorContext(
            job=init_context.job,
            executor_def=celery_executor,
            executor_config={
                **config,
                "broker": config.get("broker") or broker_url(),
                "backend": config.get("backend") or result_backend(),
                "config_source": source,
            },
            instance=init_context.instance,
        )
    )
    return SocialpipeCeleryExecutor(
        retries=base.retries,
        broker=base.broker,
        backend=base.backend,
        include=base.include,
        config_source=source,
    )


def _fields(executor_def) -> dict:
    return dict(executor_def.config_schema.as_field().config_type.fields)


def _celery_field() -> Field:
    return Field(celery_executor.config_schema.as_field().config_type, is_required=False)


def _requirements(config: Mapping):
    return [] if "in_process" in config else multiple_process_executor_requirements()


@executor(
    name="content_executor",
    config_schema=Field(
        Selector({**_fields(multi_or_in_process_executor), "celery": _celery_field()}),
        default_value={"multiprocess": {}},
    ),
    requirements=_requirements,
)
def content_executor(init_context: InitExecutorContext):
    """multiprocess (default), in_process, or celery: see the module's docstring."""
    config = init_context.executor_config
    if "celery" in config:
        return _celery_from_config(init_context, config["celery"] or {})
    return multi_or_in_process_executor.executor_creation_fn(init_context)


def celery_run_config(broker: str | None = None) -> dict:
    """The run config that selects the Celery mode (`broker`: else CELERY_BROKER_URL)."""
    celery = {"broker": broker} if broker else {}
    return {"execution": {"config": {"celery": celery}}}
