"""Alert deliveries: applies sql/schema/0015_alert_deliveries.sql."""

from resources.migrations import apply_schema_file

revision = "0015"
down_revision = "0014"


def upgrade() -> None:
    apply_schema_file(__file__)
