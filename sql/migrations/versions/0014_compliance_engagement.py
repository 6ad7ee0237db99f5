"""Compliance vs engagement (issue 20): applies sql/schema/0014_compliance_engagement.sql."""

from resources.migrations import apply_schema_file

revision = "0014"
down_revision = "0012"


def upgrade() -> None:
    apply_schema_file(__file__)
