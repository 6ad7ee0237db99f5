"""Rules: applies sql/schema/0003_rules.sql."""

from resources.migrations import apply_schema_file

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    apply_schema_file(__file__)
