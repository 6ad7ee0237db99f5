"""Tenant walls: applies sql/schema/0010_tenant_walls.sql."""

from resources.migrations import apply_schema_file

revision = "0010"
down_revision = "0008"


def upgrade() -> None:
    apply_schema_file(__file__)
