"""Analytics you can trust: applies sql/schema/0008_analytics_you_can_trust.sql."""

from resources.migrations import apply_schema_file

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    apply_schema_file(__file__)
