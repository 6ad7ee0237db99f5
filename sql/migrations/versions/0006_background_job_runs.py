"""Background job runs: applies sql/schema/0006_background_job_runs.sql."""

from resources.migrations import apply_schema_file

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    apply_schema_file(__file__)
