"""Where platform metrics come from, as a Dagster resource.

The default source is a folder that receives the platforms' export files (CSV or JSON
lines; format in resources/metrics_exports.py): SOCIALPIPE_METRICS_DIR, else
`<data dir>/metrics` (`.data/metrics/`). Another source (a platform API client) would
offer the same `read(window)`.
"""

import os
from pathlib import Path

from dagster import ConfigurableResource
from pydantic import Field

from core.windows import Window
from resources.metrics_exports import MetricsBatch, read_exports
from resources.paths import data_dir

METRICS_DIR_VARIABLE = "SOCIALPIPE_METRICS_DIR"


class MetricsSourceResource(ConfigurableResource):
    """Platform metrics export files dropped in a folder."""

    folder: str | None = Field(
        default=None,
        description=f"Folder of export files; empty: ${METRICS_DIR_VARIABLE}, else .data/metrics",
    )

    def resolved_folder(self) -> Path:
        configured = self.folder or os.environ.get(METRICS_DIR_VARIABLE)
        path = Path(configured) if configured else data_dir() / "metrics"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def read(self, window: Window) -> MetricsBatch:
        """The rows measured on the window's days, and the malformed ones."""
        return read_exports(self.resolved_folder(), window.first_day, window.end_day)
