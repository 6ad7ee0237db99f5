"""Who holds a content request, and when a hold is over (no Dagster here).

Two holds, each with its own proof of life:

- *processing*: the run generating a request holds a PostgreSQL advisory lock on it,
  on a connection of its own, from the check that takes the request
  (sql/generation/start_processing.sql) until its rows are recorded. A second run,
  even a forced one, cannot take the request meanwhile (it skips it, saying so), so
  the image provider is never paid twice for one request. A run that dies loses its
  connection and with it the lock: a processing request whose lock is free is released
  at once (sql/generation/release_claims.sql).
- *queued*: a claim names the Dagster run that will process the request (or the run
  key of the sensor's RunRequest, until that run starts). Whether that run is alive is
  the Dagster instance's knowledge: the caller passes it in as ``run_alive``.
"""

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, text

from resources.sql_files import sql

# the first key of every request lock (the second is hashtext(request id)); any constant
# works, as long as nothing else in the database uses it
REQUEST_LOCK_NAMESPACE = 804_412_014
# a claim whose run the instance does not know yet: the command line claims a moment
# before it creates the run, a sensor's run may wait in the queue
UNKNOWN_RUN_GRACE = timedelta(minutes=10)


@contextmanager
def request_lock(engine: Engine, request_id: str) -> Iterator[bool]:
    """Hold the request's lock for the block; yields False (held by another run) at once
    rather than waiting: the other run is doing the work."""
    params = {"namespace": REQUEST_LOCK_NAMESPACE, "id": str(request_id)}
    with engine.connect() as conn:
        held = conn.execute(
            text("select pg_try_advisory_lock(:namespace, hashtext(:id))"), params
        ).scalar_one()
        conn.commit()
        try:
            yield bool(held)
        finally:
            if held:
                conn.execute(text("select pg_advisory_unlock(:namespace, hashtext(:id))"), params)
                conn.commit()


@dataclass(frozen=True)
class QueuedClaim:
    request_id: str
    run_id: str | None
    run_key: str | None
    claimed_at: datetime | None
    updated_at: datetime


def queued_claims(engine: Engine) -> list[QueuedClaim]:
    with engine.connect() as conn:
        rows = conn.execute(sql("generation/queued_claims"))
        return [
            QueuedClaim(str(r.id), r.claim_run_id, r.claim_run_key, r.claimed_at, r.updated_at)
            for r in rows
        ]


def dead_claims(
    claims: Sequence[QueuedClaim],
    run_alive: Callable[[QueuedClaim], bool | None],
    now: datetime,
    grace: timedelta = UNKNOWN_RUN_GRACE,
) -> list[str]:
    """The queued requests to give back: the claim names no run at all (made before
    claims named runs), its run is no longer alive (``run_alive`` is False), or the
    instance knows no such run (None) and the claim is older than ``grace``."""
    released = []
    for claim in claims:
        if claim.run_id is None and claim.run_key is None:
            released.append(claim.request_id)
            continue
        alive = run_alive(claim)
        since = claim.claimed_at or claim.updated_at
        if alive is False or (alive is None and since < now - grace):
            released.append(claim.request_id)
    return released


@dataclass(frozen=True)
class Released:
    request_id: str
    organization_id: str
    reason: str


def release_claims(engine: Engine, queued_ids: Sequence[str]) -> list[Released]:
    """Release the named queued requests and every processing one nobody holds."""
    with engine.begin() as conn:
        rows = conn.execute(
            sql("generation/release_claims"),
            {"queued_ids": list(queued_ids), "lock_namespace": REQUEST_LOCK_NAMESPACE},
        )
        return [Released(str(r.id), str(r.organization_id), r.status_reason) for r in rows]


def stamp_claims(engine: Engine, request_ids: Sequence[str], run_id: str) -> None:
    """The run launched for these queued requests names itself their holder."""
    with engine.begin() as conn:
        conn.execute(
            sql("generation/stamp_claims"), {"request_ids": list(request_ids), "run_id": run_id}
        )


def run_state(claim: QueuedClaim, statuses: Mapping[str, bool | None]) -> bool | None:
    """Alive per ``statuses`` (run id or run key → alive), by run id before run key."""
    for name in (claim.run_id, claim.run_key):
        if name is not None and name in statuses:
            return statuses[name]
    return None
