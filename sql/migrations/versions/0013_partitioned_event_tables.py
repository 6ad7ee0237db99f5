"""Partitioned event tables: applies sql/schema/0013_partitioned_event_tables.sql."""

from resources.migrations import apply_schema_file

revision = "0013"
down_revision = "0012"


def upgrade() -> None:
    apply_schema_file(__file__)
