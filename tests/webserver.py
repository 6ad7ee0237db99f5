"""Run the Dagster webserver (the UI) against the project's workspace, for tests.

``running_webserver()`` starts ``dagster-webserver -w workspace.yaml`` on a free port
in its own process group (as ``set -m`` does in a shell, so that it and the code
server it spawns can be signalled together) with a throw-away ``DAGSTER_HOME``,
waits until it answers and every code location has finished loading, and always
stops it: SIGINT to the group, SIGKILL if anything is still alive after a grace
period. Its output goes to a log file whose tail is included in every error.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

REPO_ROOT = Path(__file__).resolve().parents[1]

# the instance the webserver uses: local SQLite storage under the temp DAGSTER_HOME
DAGSTER_YAML = "telemetry:\n  enabled: false\n"

LOCATION_STATUSES = """
query LocationStatuses {
  locationStatusesOrError {
    __typename
    ... on WorkspaceLocationStatusEntries { entries { name loadStatus } }
    ... on PythonError { message }
  }
}
"""


class WebserverError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Webserver:
    url: str
    process: subprocess.Popen
    log_path: Path
    client: httpx.Client

    def log_tail(self, chars: int = 6000) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no webserver log)"
        return text[-chars:]

    def graphql(self, query: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """POST a query to /graphql; its ``data``, or an error naming the GraphQL errors."""
        response = self.client.post(
            "/graphql", json={"query": query, "variables": dict(variables or {})}
        )
        if response.status_code != 200:
            raise WebserverError(
                f"POST /graphql answered {response.status_code}: {response.text[:2000]}"
            )
        body = response.json()
        if body.get("errors"):
            raise WebserverError(f"GraphQL errors: {body['errors']}")
        return body["data"]


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _stop(process: subprocess.Popen, grace_seconds: float = 15.0) -> None:
    """SIGINT to the process group (webserver + code server), then SIGKILL what is left."""
    pgid = process.pid  # start_new_session: the webserver leads its own group
    if _group_alive(pgid):
        os.killpg(pgid, signal.SIGINT)
    deadline = time.monotonic() + grace_seconds
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=grace_seconds)
    # the leader may be gone while a child (the gRPC code server) is still stopping
    while _group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _group_alive(pgid):
        os.killpg(pgid, signal.SIGKILL)
    process.wait(timeout=10)


def _wait_until_ready(server: Webserver, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last_problem = "no answer yet"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise WebserverError(
                f"dagster-webserver exited with code {server.process.returncode} before it "
                f"was ready\n--- its output ---\n{server.log_tail()}"
            )
        try:
            if server.client.get("/server_info").status_code == 200:
                data = server.graphql(LOCATION_STATUSES)["locationStatusesOrError"]
                entries = data.get("entries") or []
                if entries and all(e["loadStatus"] == "LOADED" for e in entries):
                    return
                last_problem = f"locations: {data}"
        except (httpx.HTTPError, WebserverError) as exc:
            last_problem = repr(exc)
        time.sleep(0.25)
    raise WebserverError(
        f"dagster-webserver not ready after {timeout:.0f} s ({last_problem})\n"
        f"--- its output ---\n{server.log_tail()}"
    )


@contextmanager
def running_webserver(
    env: Mapping[str, str] | None = None,
    *,
    workspace: Path = REPO_ROOT / "workspace.yaml",
    timeout: float = 60.0,
    home: Path | None = None,
) -> Iterator[Webserver]:
    """A webserver serving ``workspace``, ready (all locations loaded); stopped on exit.

    ``env`` is added to this process's environment; DAGSTER_HOME is ``home`` (an
    instance that already holds runs), else a new temporary directory.
    """
    with tempfile.TemporaryDirectory(prefix="socialpipe-webserver-") as tmp:
        if home is None:
            home = Path(tmp) / "dagster_home"
            home.mkdir()
            (home / "dagster.yaml").write_text(DAGSTER_YAML)
        log_path = Path(tmp) / "webserver.log"
        port = free_port()
        command = [
            str(Path(sys.executable).with_name("dagster-webserver")),
            *("-w", str(workspace), "-h", "127.0.0.1", "-p", str(port)),
        ]
        if not Path(command[0]).exists():
            command[:1] = [sys.executable, "-m", "dagster_webserver"]
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                command,
                cwd=workspace.parent,
                env={**os.environ, **(env or {}), "DAGSTER_HOME": str(home)},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, like `set -m`
            )
        url = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=url, timeout=30.0) as client:
                server = Webserver(url=url, process=process, log_path=log_path, client=client)
                _wait_until_ready(server, timeout)
                yield server
        finally:
            _stop(process)
