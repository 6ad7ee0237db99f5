"""The embedded PostgreSQL server used when no DATABASE_URL is given.

pgserver ships PostgreSQL 16 in a pip wheel. The server keeps running after the
command that started it exits, so the next command reuses it (about 1 s saved
each time); `socialpipe db stop` shuts it down.
"""

import os
import warnings
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from resources.paths import data_dir

DATABASE_NAME = "socialpipe"


def _pgdata() -> Path:
    return data_dir() / "pg"


def _prepare_environment() -> None:
    # pgserver keeps its lock file in XDG_RUNTIME_DIR and warns when it is unset;
    # a folder of our own keeps one project's server apart from another's.
    runtime = data_dir() / "run"
    runtime.mkdir(exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))


def start_embedded_server() -> str:
    """Start (or find running) the embedded server; return its admin URL."""
    _prepare_environment()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

    server = pgserver.get_server(_pgdata(), cleanup_mode=None)
    # trust auth on a private socket: the wheel's empty password is dropped
    given = make_url(server.get_uri())
    url = URL.create(
        "postgresql+psycopg", username=given.username, database=given.database, query=given.query
    )
    return url.render_as_string(hide_password=False)


def embedded_database_url() -> str:
    """The URL of the product's database on the embedded server, created on first use."""
    admin_url = start_embedded_server()
    ensure_database(admin_url, DATABASE_NAME)
    return make_url(admin_url).set(database=DATABASE_NAME).render_as_string(hide_password=False)


def ensure_database(admin_url: str, name: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(
                text("select 1 from pg_database where datname = :name"), {"name": name}
            ).scalar()
            if not exists:
                # identifiers cannot be bound; the name is ours, never user input
                conn.exec_driver_sql(f'create database "{name}"')
    finally:
        engine.dispose()


def stop_embedded_server() -> bool:
    """Stop the embedded server if it runs; True when one was stopped."""
    pgdata = _pgdata()
    if not (pgdata / "postmaster.pid").exists():
        return False
    _prepare_environment()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgserver._commands import pg_ctl  # the wheel's own pg_ctl binary

    user = "pgserver" if os.geteuid() == 0 else None
    pg_ctl(["-w", "stop", "-m", "fast"], pgdata=pgdata, user=user)
    return True
