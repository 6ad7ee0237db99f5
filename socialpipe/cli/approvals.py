"""`socialpipe approvals …`: list content approvals and decide them, as a person.

A decision runs in one transaction scoped to the approval's organization (row-level
security), under the same row locks as every other writer of approvals. A refused
decision prints why, exits 1 and changes nothing.
"""

import json
import uuid
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from resources.wording import plural
from socialpipe.cli.ids import check_slugs, resolve_id, short_id
from socialpipe.cli.output import refuse, stdout_console

if TYPE_CHECKING:
    from sqlalchemy import Connection

app = typer.Typer(help="Content approvals: list them, decide them.", no_args_is_help=True)
console = stdout_console()


def _user_id(conn: "Connection", email: str) -> uuid.UUID:
    from resources.sql_files import sql

    row = conn.execute(sql("approvals/user_by_email"), {"email": email.strip()}).first()
    if row is None:
        raise refuse(f"there is no user with email {email!r}")
    return row.id


@app.command("list")
def list_approvals(
    user: str | None = typer.Option(
        None, "--user", metavar="EMAIL", help="Only this person's (as approver or delegate)."
    ),
    org: str | None = typer.Option(None, "--org", metavar="SLUG", help="Only this organization's."),
    pending: bool = typer.Option(False, "--pending", help="Only those waiting for a decision."),
    limit: int = typer.Option(200, min=1, help="At most this many rows."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List approvals: pending first, oldest first."""
    from resources.database import DatabaseResource
    from resources.sql_files import sql

    with DatabaseResource().get_engine().connect() as conn:
        if org:
            check_slugs(conn, [org])
        user_id = _user_id(conn, user) if user else None
        rows = [
            dict(row)
            for row in conn.execute(
                sql("approvals/list_approvals"),
                {"user_id": user_id, "organization": org, "pending_only": pending, "limit": limit},
            ).mappings()
        ]
    if as_json:
        typer.echo(json.dumps(rows, default=str, indent=2))
        return
    table = Table(title=plural(len(rows), "approval"))
    for column in ("approval id", "organization", "request", "step", "approver", "status", "due"):
        # an id cut in two could not be copied: the short one (`decide` takes it) stays whole
        table.add_column(column, overflow="fold", no_wrap=column == "approval id")
    for row in rows:
        approver = row["approver"] or "(auto)"
        if row["delegated_to"]:
            approver += f" → {row['delegated_to']}"
        due = row["due_at"].strftime("%Y-%m-%d %H:%M") if row["due_at"] else ""
        table.add_row(
            short_id(row["id"]),
            row["organization"],
            f"{row['request_title']} ({row['request_status']})",
            f"{row['step_number']} {row['step_name'] or ''}",
            approver,
            row["status"],
            due if row["status"] == "pending" else "",
        )
    console.print(table)


@app.command("decide")
def decide_approval(
    approval_id: str = typer.Argument(
        ..., metavar="ID", help="The approval's id, or its first characters (`approvals list`)."
    ),
    approve: bool = typer.Option(False, "--approve", help="Approve."),
    reject: bool = typer.Option(False, "--reject", help="Reject: the request is rejected."),
    request_changes: bool = typer.Option(
        False, "--request-changes", help="Send the request back to its requester."
    ),
    delegate: str | None = typer.Option(
        None, "--delegate", metavar="EMAIL", help="Hand this approval to another member."
    ),
    as_: str = typer.Option(..., "--as", metavar="EMAIL", help="Who is deciding."),
    comment: str | None = typer.Option(None, "--comment", help="Why; the requester sees it."),
) -> None:
    """Decide one approval: --approve, --reject, --request-changes or --delegate EMAIL."""
    chosen = [
        action
        for action, on in (
            ("approve", approve),
            ("reject", reject),
            ("request_changes", request_changes),
            ("delegate", delegate is not None),
        )
        if on
    ]
    if len(chosen) != 1:
        raise typer.BadParameter(
            "give exactly one of --approve, --reject, --request-changes, --delegate EMAIL"
        )
    from assets.approvals.decisions import Refused, decide
    from assets.approvals.store import ConcurrentChange
    from resources.database import DatabaseResource
    from resources.sql_files import sql
    from resources.tenancy import tenant_connection

    engine = DatabaseResource().get_engine()
    with engine.connect() as conn:
        approval = resolve_id(conn, approval_id, "approvals/approval_ids_in_range", "approval")
        head = conn.execute(sql("approvals/approval_head"), {"approval_id": approval}).one()
        actor = _user_id(conn, as_)
        delegate_id = _user_id(conn, delegate) if delegate else None
    try:
        with tenant_connection(engine, head.organization_id) as conn:
            decided = decide(
                conn,
                approval,
                actor,
                chosen[0],
                comment=comment,
                delegate_id=delegate_id,
                channel="cli",
            )
    except Refused as error:
        raise refuse(str(error)) from None
    except ConcurrentChange as error:
        raise refuse(f"{error}: someone else decided at the same moment; list again") from None
    console.print(f"{as_}: {decided.summary}.", highlight=False, soft_wrap=True)
