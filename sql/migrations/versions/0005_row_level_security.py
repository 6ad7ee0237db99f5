"""Row level security: applies sql/schema/0005_row_level_security.sql."""

from resources.migrations import apply_schema_file

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    apply_schema_file(__file__)
