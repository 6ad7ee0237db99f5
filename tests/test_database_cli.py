"""`socialpipe db …` against the embedded server and against DATABASE_URL."""

import os
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

        migrated = run_cli("db", "upgrade", env=env).stdout
        assert "migrated from revision empty to" in migrated
        again = run_cli("db", "upgrade", env=env).stdout
        assert "already at revision" in again

        # the next command reuses the running server rather than starting another
        assert run_cli("db", "url", env=env).stdout.strip() == first
        assert _postmaster_pid(data_dir) == pid

        assert "embedded PostgreSQL stopped" in run_cli("db", "stop", env=env).stdout
        assert _postmaster_pid(data_dir) is None
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == "zombie"
        assert "was not running" in run_cli("db", "stop", env=env).stdout
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
