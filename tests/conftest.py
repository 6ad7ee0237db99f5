"""Test database: a fresh PostgreSQL database per test session, migrated, dropped after.

TEST_DATABASE_URL (a server URL; CI sets it to the machine's server) or, when
unset, the embedded server. Tests run against real PostgreSQL, never a mock.
"""

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url

from resources.database_url import normalize_url
from resources.migrations import upgrade


def _admin_url() -> str:
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        return normalize_url(configured)
    from resources.embedded_postgres import start_embedded_server

    return start_embedded_server()


@pytest.fixture(scope="session", autouse=True)
def dagster_home(tmp_path_factory) -> Iterator[str]:
    """The command line records its runs in a persistent instance (the one `make dev`
    shows): the suite's go to a folder of its own, never the project's `.data/`."""
    home = tmp_path_factory.mktemp("dagster_home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(home))
        yield str(home)


@pytest.fixture(scope="session")
def make_database() -> Iterator[Callable[..., str]]:
    """Factory: a new database on the test server, empty or a copy of ``copy_of`` (a URL
    of another test database; its open sessions are ended first, as a template must have
    none); all are dropped at the end."""
    admin_url = _admin_url()
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    created: list[str] = []

    def _make(copy_of: str | None = None) -> str:
        name = f"socialpipe_test_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            if copy_of is None:
                conn.exec_driver_sql(f'create database "{name}"')
            else:
                source = make_url(copy_of).database
                conn.execute(
                    text(
                        "select pg_terminate_backend(pid) from pg_stat_activity "
                        "where datname = :source and pid <> pg_backend_pid()"
                    ),
                    {"source": source},
                )
                conn.exec_driver_sql(f'create database "{name}" template "{source}"')
        created.append(name)
        return make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    yield _make
    with admin.connect() as conn:
        for name in created:
            conn.exec_driver_sql(f'drop database if exists "{name}" with (force)')
    admin.dispose()


@pytest.fixture(scope="session")
def database_url(make_database: Callable[[], str]) -> str:
    """The suite's migrated database."""
    url = make_database()
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """The schema owner's engine (as migrations run; bypasses row-level security)."""
    engine = create_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def conn(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back after the test."""
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


def scalar(conn: Connection, sql: str, **params: object) -> object:
    return conn.execute(text(sql), params).scalar()


@pytest.fixture(scope="session")
def demo_world(make_database: Callable[[], str], tmp_path_factory):
    """A database with the demo tenants loaded, and the media folder they live in."""
    from types import SimpleNamespace

    from resources.database import pipeline_engine
    from socialpipe.demo import load_demo_data

    url = make_database()
    upgrade(url)
    media = tmp_path_factory.mktemp("media")
    load_demo_data(pipeline_engine(url), media)
    engine = create_engine(url)
    yield SimpleNamespace(url=url, media=media, engine=engine)
    engine.dispose()
    pipeline_engine(url).dispose()


@pytest.fixture(scope="session")
def demo_runs(make_database, tmp_path_factory):
    """`socialpipe demo` run twice on an empty database, as a user runs it: (env, data
    folder, first output, second output). The suite's slowest fixture, shared."""
    from tests.cli_runner import run_cli

    data = tmp_path_factory.mktemp("demo-data")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FREEPIK_", "IMAGE_"))}
    env.pop("DAGSTER_HOME", None)
    env.update(
        DATABASE_URL=make_database(),
        SOCIALPIPE_DATA_DIR=str(data),
        IMAGE_PROVIDER="local",
        COLUMNS="200",  # one summary row per line, whatever the terminal
        # the archive of published posts (150 more renders and their variants) is
        # covered by tests/test_demo_compliance_edge.py; the suite's slowest fixture
        # stays as fast as it was
        SOCIALPIPE_DEMO_ARCHIVE="0",
    )
    # a generous guard, not a speed check: a shared 2-core machine can be slow
    first = run_cli("demo", env=env, timeout=1200)
    second = run_cli("demo", env=env, timeout=1200)
    return env, data, first.stdout, second.stdout
