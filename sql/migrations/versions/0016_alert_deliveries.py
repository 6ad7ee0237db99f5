"""Alert deliveries: applies sql/schema/0016_alert_deliveries.sql."""

from resources.migrations import apply_schema_file

revision = "0016"
down_revision = "0012"


def upgrade() -> None:
    apply_schema_file(__file__)
