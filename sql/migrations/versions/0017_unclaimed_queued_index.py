"""Unclaimed queued requests index: applies sql/schema/0017_unclaimed_queued_index.sql."""

from resources.migrations import apply_schema_file

revision = "0017"
down_revision = "0012"


def upgrade() -> None:
    apply_schema_file(__file__)
