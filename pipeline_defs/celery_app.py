"""The Celery app the step workers run (`make workers`):

    celery -A pipeline_defs.celery_app worker --pool solo -Q dagster

dagster-celery's own `dagster_celery.app` with the project's broker (CELERY_BROKER_URL,
else the machine's RabbitMQ) and settings (pipeline_defs/executors.py): late
acknowledgement, one task at a time. The worker needs nothing else: each task carries
the Dagster instance to report to and the job to load.
"""

from dagster_celery.config import dict_wrapper
from dagster_celery.make_app import make_app
from dagster_celery.tasks import create_task
from kombu import Queue

from pipeline_defs.executors import CELERY_SETTINGS, broker_url, celery_queue, result_backend

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
execute_plan = create_task(app)
