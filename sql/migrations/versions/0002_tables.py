"""Tables: applies sql/schema/0002_tables.sql."""

from resources.migrations import apply_schema_file

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    apply_schema_file(__file__)
