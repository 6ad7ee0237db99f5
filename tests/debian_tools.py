"""Debian tools a few tests drive (chromium, faketime): installed by the project's own
scripts/install_missing.sh when missing, as CI and `make` do, so a fresh machine runs
these tests instead of failing on a missing command."""

import shutil
import subprocess
from pathlib import Path

INSTALL = Path(__file__).resolve().parents[1] / "scripts" / "install_missing.sh"


def ensure_command(command: str, *packages: str) -> str:
    """The command's path, after installing ``packages`` (default: the command's name)."""
    if shutil.which(command) is None:
        done = subprocess.run(
            [str(INSTALL), command, *(packages or (command,))],
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert done.returncode == 0, f"{INSTALL} {command} failed:\n{done.stderr}"
    found = shutil.which(command)
    assert found, f"{command} is still missing after {INSTALL}"
    return found
