"""Indexes: applies sql/schema/0004_indexes.sql."""

from resources.migrations import apply_schema_file

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    apply_schema_file(__file__)
