"""True image dimensions: applies sql/schema/0012_true_image_dimensions.sql."""

from resources.migrations import apply_schema_file

revision = "0012"
down_revision = "0011"


def upgrade() -> None:
    apply_schema_file(__file__)
