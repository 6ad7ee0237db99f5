"""Unclaimed queued requests index: applies sql/schema/0014_unclaimed_queued_index.sql."""

from resources.migrations import apply_schema_file

revision = "0014"
down_revision = "0013"


def upgrade() -> None:
    apply_schema_file(__file__)
