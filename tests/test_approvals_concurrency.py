"""Two approvers deciding the same step at the same moment: exactly one transition.

Each decider runs in its own thread on its own connection. To make "the same moment"
certain rather than likely, a third connection holds the request's row lock while both
deciders start; only once PostgreSQL shows both waiting on a lock is it released, so
both have read nothing yet and race for the lock from the same point.
"""

import threading
import time

from sqlalchemy import Engine, text

from assets.approvals.decisions import Decided, Refused, decide
from assets.approvals.routing import route_requests
from tests.approvals_helpers import (
    activity,
    approval_tenant,
    approvals,
    make_workflow,
    pending_of,
    request_status,
    scored_request,
    step,
)

WAIT_LIMIT_S = 60  # only bounds a hang; nothing is asserted about time


def _waiting_on_locks(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(
            text(
                "select count(*) from pg_locks as l join pg_stat_activity as a using (pid) "
                "where not l.granted and a.datname = current_database()"
            )
        ).scalar_one()


def race(engine: Engine, request, calls) -> list:
    """Run each (approval id, user id) decision in its own thread, released together."""
    results: list = [None] * len(calls)

    def run(index, approval, user):
        try:
            with engine.begin() as conn:
                results[index] = decide(conn, approval, user, "approve", channel="test")
        except Exception as error:  # noqa: BLE001 - the outcome is what the test inspects
            results[index] = error

    with engine.connect() as blocker:
        transaction = blocker.begin()
        blocker.execute(
            text("select id from content_requests where id = :id for update"), {"id": request}
        )
        threads = [
            threading.Thread(target=run, args=(i, approval, user))
            for i, (approval, user) in enumerate(calls)
        ]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + WAIT_LIMIT_S
        while _waiting_on_locks(engine) < len(calls):
            assert time.monotonic() < deadline, "the deciders never reached the request lock"
            time.sleep(0.01)
        transaction.rollback()
    for thread in threads:
        thread.join()
    return results


def _setup(engine, required):
    tenant = approval_tenant(engine)
    make_workflow(
        engine,
        tenant,
        [
            step(1, "Review", role="approver", required=required),
            step(2, "Sign-off", user_ids=[tenant.people["owner"]]),
        ],
    )
    request = scored_request(engine, tenant)
    route_requests(engine, [str(request)])
    return tenant, request


def _step_two(engine, request) -> list[dict]:
    return [a for a in approvals(engine, request) if a["step_number"] == 2]


def test_two_approvers_racing_for_a_step_of_one_move_it_once(engine):
    tenant, request = _setup(engine, 1)
    calls = [
        (pending_of(engine, request, tenant.people[who]), tenant.people[who])
        for who in ("approver1", "approver2")
    ]
    results = race(engine, request, calls)
    won = [r for r in results if isinstance(r, Decided)]
    lost = [r for r in results if isinstance(r, Refused)]
    assert len(won) == 1 and len(lost) == 1, results
    assert "voided, not pending" in str(lost[0])
    assert len(_step_two(engine, request)) == 1  # step 2 opened exactly once
    step_one = [a for a in approvals(engine, request) if a["step_number"] == 1]
    assert sorted(a["status"] for a in step_one) == ["approved", "voided"]
    assert len(activity(engine, [a["id"] for a in step_one])) == 1
    assert request_status(engine, request)[0] == "awaiting_approval"


def test_two_approvers_completing_an_all_step_together_open_the_next_step_once(engine):
    tenant, request = _setup(engine, "all")
    calls = [
        (pending_of(engine, request, tenant.people[who]), tenant.people[who])
        for who in ("approver1", "approver2")
    ]
    results = race(engine, request, calls)
    assert all(isinstance(r, Decided) for r in results), results
    # the second to commit saw the first's approval and completed the step
    assert sorted(r.request_status for r in results) == ["awaiting_approval"] * 2
    assert sorted(len(r.created) for r in results) == [0, 1]
    (sign_off,) = _step_two(engine, request)
    assert sign_off["approver_id"] == tenant.people["owner"]


def test_one_approver_deciding_twice_at_once_decides_once(engine):
    tenant, request = _setup(engine, 1)
    me = tenant.people["approver1"]
    approval = pending_of(engine, request, me)
    results = race(engine, request, [(approval, me), (approval, me)])
    assert sorted(type(r).__name__ for r in results) == ["Decided", "Refused"], results
    assert len(activity(engine, [approval])) == 1
    assert len(_step_two(engine, request)) == 1
