"""The Dagster code location: everything the UI and daemon load (workspace.yaml)."""

from dagster import Definitions

from resources.database import DatabaseResource

defs = Definitions(
    resources={
        # DATABASE_URL when set, else the embedded server; see README "Configuration"
        "database": DatabaseResource(),
    },
)
