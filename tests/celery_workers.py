"""Celery step workers as subprocesses, the way `make workers` starts them, on a queue of
their own (the machine's RabbitMQ is shared: another checkout's workers must not take
this test's steps), and a Dagster instance on Postgres storage for them to report to."""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


def worker_command(queue: str, name: str, log: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "pipeline_defs.celery_app",
        "worker",
        "--pool",
        "solo",
        "-Q",
        queue,
        "-n",
        f"{name}@%h",
        "--loglevel",
        "INFO",
        "--logfile",
        str(log),
        # nothing to learn from other workers: start in a second, not after a sync
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]


@contextmanager
def celery_workers(count: int, env: dict, log_dir: Path, timeout: float = 60) -> Iterator[list]:
    """`count` workers on a fresh queue (SOCIALPIPE_CELERY_QUEUE, set in `env` for the
    workers and in os.environ for the run by the caller); stopped and the queue deleted
    afterwards."""
    queue = env["SOCIALPIPE_CELERY_QUEUE"]
    workers = []
    try:
        for n in range(count):
            log = log_dir / f"worker-{n}.log"
            process = subprocess.Popen(
                worker_command(queue, f"w{n}-{queue}", log),
                env=env,
                cwd=REPO,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            workers.append(Worker(process, log))
        deadline = time.monotonic() + timeout
        for worker in workers:
            while not (worker.log.exists() and " ready." in worker.log.read_text()):
                assert worker.process.poll() is None, f"worker exited: {_tail(worker.log)}"
                assert time.monotonic() < deadline, f"worker not ready: {_tail(worker.log)}"
                time.sleep(0.2)
        yield workers
    finally:
        for worker in workers:
            if worker.process.poll() is None:
                worker.process.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.process.kill()
        delete_queue(env["CELERY_BROKER_URL"], queue)


def delete_queue(broker: str, queue: str) -> None:
    from kombu import Connection

    with Connection(broker, connect_timeout=2) as connection:
        channel = connection.channel()
        channel.queue_delete(queue)
        channel.close()


def new_queue_name() -> str:
    return f"socialpipe-test-{uuid.uuid4().hex[:10]}"


def _tail(log: Path) -> str:
    return log.read_text()[-2000:] if log.exists() else "(no log)"


def postgres_instance_yaml(storage_url: str) -> str:
    """dagster.yaml keeping runs and events in `storage_url` (dagster-postgres on psycopg2)."""
    url = make_url(storage_url).set(drivername="postgresql+psycopg2")
    rendered = url.render_as_string(hide_password=False)
    return f'storage:\n  postgres:\n    postgres_url: "{rendered}"\n'
