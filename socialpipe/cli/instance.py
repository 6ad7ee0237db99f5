"""The Dagster instance the command line runs on: the same one `make dev` shows.

`DAGSTER_HOME` wins when it is set. Otherwise the instance lives in
`.data/dagster_home` (under `SOCIALPIPE_DATA_DIR` when that is set), configured from
`deploy/dagster.local.yaml` on first use, so that the runs `make demo` and
`socialpipe requests process` make, their materializations, partitions and check
results are in the UI that `make dev` opens afterwards.
"""

import filecmp
import os
import shutil
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from resources.paths import PROJECT_ROOT, data_dir

if TYPE_CHECKING:
    from dagster import DagsterInstance

LOCAL_CONFIG = PROJECT_ROOT / "deploy" / "dagster.local.yaml"


def dagster_home() -> Path:
    """Where the local instance keeps its runs and event logs (created if missing)."""
    configured = os.environ.get("DAGSTER_HOME")
    home = Path(configured) if configured else data_dir() / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    return home.resolve()


def prepare_dagster_home() -> tuple[Path, str | None]:
    """The instance folder with its dagster.yaml; and a note when the file there is the
    user's own (kept) rather than the project's local configuration."""
    home = dagster_home()
    config = home / "dagster.yaml"
    if not config.exists():
        shutil.copyfile(LOCAL_CONFIG, config)
        return home, None
    if not filecmp.cmp(LOCAL_CONFIG, config, shallow=False):
        return home, f"{config} differs from deploy/dagster.local.yaml (kept yours)"
    return home, None


def local_instance() -> "DagsterInstance":
    """The instance at `dagster_home()`, one per folder and process."""
    home, _ = prepare_dagster_home()
    return _instance_at(str(home))


@cache
def _instance_at(home: str) -> "DagsterInstance":
    from dagster import DagsterInstance

    return DagsterInstance.from_config(home)
