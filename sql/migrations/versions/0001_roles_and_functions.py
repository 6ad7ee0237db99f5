"""Roles and functions: applies sql/schema/0001_roles_and_functions.sql."""

from resources.migrations import apply_schema_file

revision = "0001"
down_revision = None


def upgrade() -> None:
    apply_schema_file(__file__)
