"""Screenshots of the Dagster UI for the README's tour, taken by Debian's chromium, headless.

    make screenshots        # after `make demo`: installs chromium when it is missing

Starts the webserver on the command line's instance (what `make dev` shows; the demo's
runs), opens each page in headless chromium with a fixed window and a time budget for
the page's own requests, and writes the PNGs under docs/ui/. The webserver is stopped
whatever happens.
"""

import argparse
import base64
import json
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
    "assets/daily_usage_summaries?view=events": "asset-events.png",
    "assets/content_analytics_weekly": "asset-automation.png",
}
# pages shown after a click (the Overview's metadata "Plots" toggle): page -> (button, file)
CLICKED = {"assets/generated_assets": ("Plots", "asset-plots.png")}
CLICK = """
(() => {
  const button = [...document.querySelectorAll('button')]
    .find(b => b.textContent.trim() === %s);
  if (!button) return false;
  button.scrollIntoView({block: 'start'});
  window.scrollBy(0, -120);
  button.click();
  return true;
})()
"""


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


def shoot(url: str, target: Path, chromium: str, height: int) -> None:
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",  # as root, in a container
            "--disable-gpu",
            "--hide-scrollbars",
            f"--window-size=1600,{height}",
            # the page's own GraphQL requests and renders happen within this budget
            "--virtual-time-budget=20000",
            f"--screenshot={target}",
            url,
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    print(f"{target}  ←  {url}")


def shoot_after_click(url: str, button: str, target: Path, chromium: str, height: int) -> None:
    """Open ``url`` in chromium driven over the DevTools protocol, click ``button``, and
    capture the viewport (a --screenshot cannot click)."""
    from websockets.sync.client import connect

    port = _free_port()
    browser = subprocess.Popen(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--window-size=1600,{height}",
            f"--remote-debugging-port={port}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                pages = httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=2).json()
                socket_url = next(p for p in pages if p["type"] == "page")["webSocketDebuggerUrl"]
                break
            except (httpx.HTTPError, StopIteration):
                if time.monotonic() > deadline:
                    raise SystemExit("chromium's DevTools did not answer") from None
                time.sleep(0.3)
        with connect(socket_url, max_size=None) as devtools:
            ids = iter(range(1, 1000))

            def call(method: str, **params) -> dict:
                number = next(ids)
                devtools.send(json.dumps({"id": number, "method": method, "params": params}))
                while True:
                    message = json.loads(devtools.recv())
                    if message.get("id") == number:
                        return message.get("result", {})

            call("Page.navigate", url=url)
            time.sleep(12)  # the page's GraphQL requests and first render
            clicked = call("Runtime.evaluate", expression=CLICK % json.dumps(button))
            if not clicked.get("result", {}).get("value"):
                raise SystemExit(f"no {button!r} button on {url}")
            time.sleep(4)
            shot = call("Page.captureScreenshot", format="png")
            target.write_bytes(base64.b64decode(shot["data"]))
        print(f"{target}  ←  {url} ({button})")
    finally:
        browser.terminate()
        browser.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "ui")
    parser.add_argument("--height", type=int, default=1000, help="Window height, pixels.")
    parser.add_argument("--page", action="append", help="Only these pages (repeatable).")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium is missing: run scripts/install_chromium.sh")
    from socialpipe.cli.instance import prepare_dagster_home

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
        for page in args.page or [*PAGES, *CLICKED]:
            if page in CLICKED:
                button, name = CLICKED[page]
                shoot_after_click(f"{url}/{page}", button, args.out / name, chromium, args.height)
                continue
            name = PAGES.get(page) or page.replace("/", "-").replace("?view=", "-") + ".png"
            shoot(f"{url}/{page}", args.out / name, chromium, args.height)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
