"""The Celery app the step workers run (`make workers`):

    celery -A pipeline_defs.celery_app worker --pool solo -Q dagster

dagster-celery's own `dagster_celery.app` with the project's broker (CELERY_BROKER_URL,
else the machine's RabbitMQ) and settings (resources/executors.py): late
acknowledgement, one task at a time. The worker needs nothing else: each task carries
the Dagster instance to report to and the job to load.
"""

import logging

from celery import Task
from celery.signals import worker_ready
from dagster_celery.config import dict_wrapper
from dagster_celery.make_app import make_app
from dagster_celery.tasks import create_task
from kombu import Queue

from resources.executors import (
    CELERY_SETTINGS,
    broker_url,
    celery_queue,
    code_version,
    redacted,
    refuse_other_code,
    result_backend,
)

app = make_app(
    {
        "broker": broker_url(),
        "backend": result_backend(),
        "include": [],
        "config_source": dict_wrapper({**CELERY_SETTINGS, "task_default_queue": celery_queue()}),
    }
)
# dagster-celery declares its `dagster` queue; a deployment's own queue is declared alike
app.conf.task_queues = [
    Queue(celery_queue(), routing_key=f"{celery_queue()}.#", queue_arguments={"x-max-priority": 10})
]


class SameCodeTask(Task):
    """dagster-celery's step task, refused (the step fails, saying why) when the run was
    started from another commit than this worker's: it would run other code."""

    def __call__(self, *args, **kwargs):
        refuse_other_code(kwargs["execute_step_args_packed"], self.request.hostname)
        return super().__call__(*args, **kwargs)


execute_plan = create_task(app, base=SameCodeTask)


@worker_ready.connect
def _say_which_code(sender=None, **_kwargs) -> None:
    # a worker of another commit would run another job's code: say which one this is
    logging.getLogger(__name__).warning(
        "socialpipe worker ready: code %s, broker %s, queue %s",
        code_version(),
        app.conf.broker_url and redacted(app.conf.broker_url),
        celery_queue(),
    )
