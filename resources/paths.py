"""Where the product keeps its files on this machine."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = PROJECT_ROOT / "sql"


def data_dir() -> Path:
    """The folder for the embedded database and local media (`.data/` by default)."""
    path = Path(os.environ.get("SOCIALPIPE_DATA_DIR", PROJECT_ROOT / ".data")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path
