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


def scope_to_tenant(conn: Connection, organization_id: UUID | str) -> None:
    """Restrict the connection's current transaction to one organization's rows."""
    conn.execute(text(f"set local role {APP_ROLE}"))  # a constant, not data
    conn.execute(
        text("select set_config('app.current_organization_id', :org, true)"),
        {"org": str(UUID(str(organization_id)))},
    )


@contextmanager
def tenant_connection(engine: Engine, organization_id: UUID | str) -> Iterator[Connection]:
    """A transaction that sees and writes only `organization_id`'s rows.

    Commits when the block ends normally, rolls back on an exception.
    """
    with engine.begin() as conn:
        scope_to_tenant(conn, organization_id)
        yield conn
