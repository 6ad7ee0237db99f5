"""Screenshots of the Dagster UI for the README's tour, taken by Debian's chromium, headless.

    make screenshots        # after `make demo`: installs chromium when it is missing

Starts the webserver on the command line's instance (what `make dev` shows; the demo's
runs), opens each page in headless chromium with a fixed window and a time budget for
the page's own requests, and writes the PNGs under docs/ui/. The webserver is stopped
whatever happens.
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# page -> file under docs/ui/
PAGES = {
    "assets/daily_usage_summaries": "asset-page.png",
    "assets/daily_usage_summaries?view=checks": "asset-checks.png",
    "assets/daily_usage_summaries?view=plots": "asset-plots.png",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the webserver exited with code {process.returncode}")
        try:
            if httpx.get(f"{url}/server_info", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the webserver did not answer within {timeout:.0f} s")


def shoot(url: str, target: Path, chromium: str) -> None:
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",  # as root, in a container
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1600,1000",
            # the page's own GraphQL requests and renders happen within this budget
            "--virtual-time-budget=20000",
            f"--screenshot={target}",
            url,
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    print(f"{target.relative_to(ROOT)}  ←  {url}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "ui")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium is missing: run scripts/install_chromium.sh")
    from pipeline_defs.cli.instance import prepare_dagster_home

    home, _ = prepare_dagster_home()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    webserver = Path(sys.executable).with_name("dagster-webserver")
    process = subprocess.Popen(
        [str(webserver), "-w", str(ROOT / "workspace.yaml"), "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT,
        env={**os.environ, "DAGSTER_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait(url, process)
        args.out.mkdir(parents=True, exist_ok=True)
        for page, name in PAGES.items():
            shoot(f"{url}/{page}", args.out / name, chromium)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
