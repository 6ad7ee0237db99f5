"""Engagement rates: applies sql/schema/0007_engagement_rates.sql."""

from resources.migrations import apply_schema_file

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    apply_schema_file(__file__)
