"""Request claims: applies sql/schema/0011_request_claims.sql."""

from resources.migrations import apply_schema_file

revision = "0011"
down_revision = "0010"


def upgrade() -> None:
    apply_schema_file(__file__)
