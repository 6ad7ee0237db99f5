"""Recovery is the next run's job: what a dead run left is finished by the next one.

Called first by every `socialpipe requests process` and every tick of
content_request_sensor, with whatever Dagster instance they run on:

1. Runs of this host's command line still marked in progress whose process is gone
   (killed, crashed) are marked failed in the instance, with that reason, and mirrored
   into background_jobs. (Runs launched by the daemon are run monitoring's: the
   instance's `run_monitoring` fails them; see deploy/dagster.local.yaml.)
2. Queued requests whose claim names a run that is no longer alive, and processing
   requests whose lock nobody holds, go back to submitted (assets/generation/claims.py).
3. Files a dead generation wrote before recording them are removed from the
   released requests' folders.

What is left for the run itself: `requests process --pending` then finishes every
stage a request still lacks (content_processing: unscored images, missing variants,
unrouted requests).
"""

import os
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime

from dagster import DagsterInstance, DagsterRunStatus, RunsFilter
from sqlalchemy import Engine

from assets.background_jobs import mirror_dagster_run
from assets.generation.claims import (
    QueuedClaim,
    Released,
    dead_claims,
    queued_claims,
    release_claims,
    request_lock,
    run_state,
)
from resources.file_store import FileStore
from resources.sql_files import sql

HOST_TAG = "socialpipe/host"
PID_TAG = "socialpipe/pid"
PROCESS_START_TAG = "socialpipe/process_start"
RUN_KEY_TAG = "dagster/run_key"
IN_PROGRESS = [
    DagsterRunStatus.NOT_STARTED,
    DagsterRunStatus.STARTING,
    DagsterRunStatus.STARTED,
]
ALIVE = {*IN_PROGRESS, DagsterRunStatus.QUEUED, DagsterRunStatus.CANCELING}


def _process_start(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux); None elsewhere or when
    there is no such process. With the pid it tells a process from a later one that
    reuses its number."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def process_tags() -> dict[str, str]:
    """Tags naming the process that runs an in-process run, so a later run can tell
    whether it is still alive."""
    pid = os.getpid()
    tags = {HOST_TAG: socket.gethostname(), PID_TAG: str(pid)}
    start = _process_start(pid)
    if start is not None:
        tags[PROCESS_START_TAG] = start
    return tags


def process_gone(tags: dict[str, str]) -> bool:
    """True when the run's process (named by process_tags) is known to be dead."""
    if tags.get(HOST_TAG) != socket.gethostname() or not tags.get(PID_TAG, "").isdigit():
        return False  # another host's process: not ours to judge
    pid = int(tags[PID_TAG])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # exists, owned by someone else
    recorded = tags.get(PROCESS_START_TAG)
    return recorded is not None and _process_start(pid) not in (recorded, None)


def fail_dead_runs(engine: Engine, instance: DagsterInstance) -> list[str]:
    """Mark this host's in-progress runs whose process is gone failed; mirror them."""
    failed = []
    runs = instance.get_runs(
        filters=RunsFilter(statuses=IN_PROGRESS, tags={HOST_TAG: socket.gethostname()})
    )
    for run in runs:
        if not process_gone(dict(run.tags)):
            continue
        instance.report_run_failed(
            run,
            message=f"the process running it (pid {run.tags[PID_TAG]} on "
            f"{run.tags[HOST_TAG]}) is gone: killed or crashed",
        )
        # the op concurrency slots it held (the `freepik` pool) are free now, not after
        # run monitoring's delay: the process that held them is certainly gone
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        mirror_dagster_run(engine, instance, run.run_id)
        failed.append(run.run_id)
    return failed


def _liveness(instance: DagsterInstance, claims: list[QueuedClaim]) -> dict[str, bool | None]:
    """Run id or run key → alive (True), over (False), unknown to the instance (None)."""
    states: dict[str, bool | None] = {}
    # one query for all ids and one for all keys: a drained backlog leaves thousands of
    # claims of a few dozen runs queued, and the sensor asks at every tick
    run_ids = sorted({c.run_id for c in claims if c.run_id})
    run_keys = sorted({c.run_key for c in claims if c.run_key})
    states.update(dict.fromkeys(run_ids + run_keys))
    if run_ids:
        for run in instance.get_runs(filters=RunsFilter(run_ids=run_ids)):
            states[run.run_id] = run.status in ALIVE
    if run_keys:
        # the newest run of a key decides, as get_runs(limit=1) per key did
        for run in reversed(instance.get_runs(filters=RunsFilter(tags={RUN_KEY_TAG: run_keys}))):
            states[run.tags[RUN_KEY_TAG]] = run.status in ALIVE
    return states


def _discard_orphans(engine: Engine, store: FileStore, released: list[Released]) -> list[str]:
    removed = []
    for request in released:
        # under the request's lock: a run that took the request meanwhile is writing there
        with request_lock(engine, request.request_id) as held, engine.connect() as conn:
            if not held:
                continue
            keep = {
                row.file_path
                for row in conn.execute(
                    sql("requests/request_files"), {"request_id": request.request_id}
                )
            }
            folder = f"{request.organization_id}/{request.request_id}"
            removed += store.discard_unlisted(folder, keep)
    return removed


@dataclass
class Recovery:
    failed_runs: list[str] = field(default_factory=list)
    released: list[Released] = field(default_factory=list)
    files_removed: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """What was recovered, one line each, for a log or the console."""
        out = [f"run {run_id}: its process is gone; marked failed" for run_id in self.failed_runs]
        out += [f"request {r.request_id}: {r.reason}" for r in self.released]
        if self.files_removed:
            out.append(f"{len(self.files_removed)} unrecorded file(s) of dead runs removed")
        return out


def recover(engine: Engine, instance: DagsterInstance, store: FileStore | None) -> Recovery:
    """Steps 1-3 above; safe to call from any number of processes at once."""
    recovery = Recovery(failed_runs=fail_dead_runs(engine, instance))
    claims = queued_claims(engine)
    states = _liveness(instance, claims)
    dead = dead_claims(claims, lambda claim: run_state(claim, states), datetime.now(UTC))
    recovery.released = release_claims(engine, dead)
    if store is not None and recovery.released:
        recovery.files_removed = _discard_orphans(engine, store, recovery.released)
    return recovery
