"""Compliance vs engagement (issue 20): applies sql/schema/0016_compliance_engagement.sql."""

from resources.migrations import apply_schema_file

revision = "0016"
down_revision = "0015"


def upgrade() -> None:
    apply_schema_file(__file__)
