"""Tenant-scoped database access (row-level security, sql/schema/0005).

An application session works for one organization at a time: it takes the
`socialpipe_app` role, which row-level security filters, and names its
organization in a transaction-local setting. Both end with the transaction, so
a pooled connection never carries one tenant's scope into the next use.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID

from sqlalchemy import Connection, Engine, text

APP_ROLE = "socialpipe_app"
PIPELINE_ROLE = "socialpipe_pipeline"


def scope_to_tenant(
    conn: Connection, organization_id: UUID | str, user_id: UUID | str | None = None
) -> None:
    """Restrict the connection's current transaction to one organization's rows.

    `user_id` names the user the session acts for: the one whose profile it may
    edit, and whose membership role decides whether it may manage memberships.
    """
    conn.execute(text(f"set local role {APP_ROLE}"))  # a constant, not data
    conn.execute(
        text(
            "select set_config('app.current_organization_id', :org, true), "
            "set_config('app.current_user_id', :user, true)"
        ),
        {
            "org": str(UUID(str(organization_id))),
            "user": str(UUID(str(user_id))) if user_id is not None else "",
        },
    )


@contextmanager
def tenant_connection(
    engine: Engine, organization_id: UUID | str, user_id: UUID | str | None = None
) -> Iterator[Connection]:
    """A transaction that sees and writes only `organization_id`'s rows.

    Commits when the block ends normally, rolls back on an exception.
    """
    with engine.begin() as conn:
        scope_to_tenant(conn, organization_id, user_id)
        yield conn
