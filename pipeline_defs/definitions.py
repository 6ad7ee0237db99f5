"""The Dagster code location: everything the UI and daemon load (workspace.yaml).

Each stage's folder (assets/<stage>/definitions.py) owns its assets, checks, jobs,
schedules, sensors and resources as one Definitions; this module only merges them.
"""

from dagster import Definitions

from assets.alerts import definitions as alerts
from assets.analytics import definitions as analytics
from assets.background_jobs import definitions as background_jobs
from assets.owners import STAGE_OWNERS
from pipeline_defs import content

__all__ = ["ASSETS", "ASSET_CHECKS", "JOBS", "STAGE_OWNERS", "defs"]

defs = Definitions.merge(content.content_defs, analytics.defs, background_jobs.defs, alerts.defs)

# Every asset, check and job of the code location (tests build their own Definitions
# from these with resources pointed at a test database).
ASSETS = list(defs.assets or [])
ASSET_CHECKS = list(defs.asset_checks or [])
JOBS = list(defs.jobs or [])
