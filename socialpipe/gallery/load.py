"""The gallery's requests, read in four statements (requests, images, variants, approvals)
whatever the number of requests: one round trip per table, joined here by id."""

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Engine

from resources.sql_files import sql
from socialpipe.gallery.model import (
    Request,
    approval_from_row,
    asset_from_row,
    request_from_row,
    variant_from_row,
)


def load_requests(engine: Engine, organizations: Sequence[str] | None = None) -> list[Request]:
    """Every request of the organizations with these slugs (all when None), with its images,
    their variants and its approvals, in index order (organization, brand, status)."""
    slugs = list(organizations) if organizations else None
    with engine.connect() as conn:
        params = {"organizations": slugs}
        request_rows = list(conn.execute(sql("gallery/requests"), params).mappings())
        ids = [row["id"] for row in request_rows]
        asset_rows = list(conn.execute(sql("gallery/assets"), {"request_ids": ids}).mappings())
        variant_rows = conn.execute(sql("gallery/variants"), {"request_ids": ids}).mappings()
        variants = defaultdict(list)
        for row in variant_rows:
            variants[row["parent_asset_id"]].append(variant_from_row(row))
        approvals = defaultdict(list)
        for row in conn.execute(sql("gallery/approvals"), {"request_ids": ids}).mappings():
            approvals[row["content_request_id"]].append(approval_from_row(row))

    assets = defaultdict(list)
    for row in asset_rows:
        assets[row["content_request_id"]].append(
            asset_from_row(row, tuple(variants.get(row["id"], ())))
        )
    return [
        request_from_row(row, tuple(assets.get(row["id"], ())), tuple(approvals.get(row["id"], ())))
        for row in request_rows
    ]
