"""Every README block of shell commands that names `socialpipe` runs, as written.

Each ```bash block runs in `bash -euo pipefail` against a copy of the demo after
`make demo` (tests/conftest.py `demo_runs`), from a folder that holds `examples/`,
with the venv's `socialpipe` and `python` first on PATH. The README cannot drift from
the commands: a renamed option, a moved example file or a changed exit code fails here.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

REPO_ROOT = Path(__file__).resolve().parents[1]
README = REPO_ROOT / "README.md"
FENCE = re.compile(r"^```bash\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _blocks() -> list[tuple[int, str]]:
    text = README.read_text()
    found = []
    for match in FENCE.finditer(text):
        body = match.group(1)
        if re.search(r"^\s*[^#\n]*\bsocialpipe\b", body, re.MULTILINE):
            found.append((text.count("\n", 0, match.start()) + 1, body))
    return found


BLOCKS = _blocks()


def test_the_readme_has_command_blocks_to_run() -> None:
    # the README's commands are the front door: losing them all would pass silently
    assert len(BLOCKS) >= 8


@pytest.mark.parametrize(
    "body", [body for _, body in BLOCKS], ids=[f"README.md:{line}" for line, _ in BLOCKS]
)
def test_a_readme_block_runs_as_written(demo_runs, make_database, tmp_path, body) -> None:
    demo_env, demo_data, _, _ = demo_runs
    (tmp_path / "examples").symlink_to(REPO_ROOT / "examples")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FREEPIK_", "IMAGE_"))}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        # each block gets the demo as `make demo` leaves it, whatever the others changed
        DATABASE_URL=make_database(copy_of=demo_env["DATABASE_URL"]),
        SOCIALPIPE_DATA_DIR=str(tmp_path / "data"),
        IMAGE_STORE_URL=str(demo_data / "media"),
        IMAGE_PROVIDER="local",
        COLUMNS="200",
        # what a reader has in their shell by the time a block uses it
        FREEPIK_KEY="fpk-a-key-of-your-own",
        WEBHOOK_URL="https://hooks.example.com/services/T000/B000/a-token-of-your-own",
        SOCIALPIPE_SECRET_KEY=Fernet.generate_key().decode(),
    )
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", body],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, (
        f"exit {result.returncode}\n--- block ---\n{body}\n--- stdout ---\n"
        f"{result.stdout[-4000:]}\n--- stderr ---\n{result.stderr[-4000:]}"
    )
    assert "Traceback" not in result.stderr, result.stderr
