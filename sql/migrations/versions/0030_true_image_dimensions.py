"""True image dimensions: applies sql/schema/0030_true_image_dimensions.sql."""

from resources.migrations import apply_schema_file

revision = "0030"
down_revision = "0008"


def upgrade() -> None:
    apply_schema_file(__file__)
