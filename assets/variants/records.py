"""A generated asset's variants, replaced as one unit: files first, rows in one transaction.

New files go to content-addressed keys, so they never overwrite a file a current
row points at. If the transaction fails, the files it would have referenced are
removed (unless the old rows use them too); once it commits, the old rows' files
that the new set no longer uses are removed. No duplicates, no orphans.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Engine

from assets.variants.render import RenderedSource, Rendition
from resources.file_store import FileStore
from resources.sql_files import sql

ELIGIBLE = ("passed", "passed_with_warnings", "needs_review")


class AssetChangedError(RuntimeError):
    """The generated asset changed (regenerated, re-scored, deleted) while rendering."""


@dataclass(frozen=True)
class SavedVariant:
    key: str
    rendition: Rendition


def variant_key(asset: Mapping, rendition: Rendition) -> str:
    digest = hashlib.sha256(rendition.data).hexdigest()[:16]
    return (
        f"{asset['organization_id']}/variants/{asset['id']}/"
        f"{rendition.platform}-{rendition.placement}-{digest}.{rendition.extension}"
    )


def _row(asset: Mapping, store: FileStore, key: str, rendition: Rendition, extra: dict) -> dict:
    return {
        "parent_asset_id": asset["id"],
        "organization_id": asset["organization_id"],
        "platform": rendition.platform,
        "placement": rendition.placement,
        "format_type": rendition.format,
        "dimensions": json.dumps({"width": rendition.width, "height": rendition.height}),
        "aspect_ratio": rendition.aspect_ratio,
        "file_path": key,
        "file_url": store.url(key),
        "file_size_bytes": len(rendition.data),
        "optimization_applied": json.dumps({**rendition.optimization, **extra}),
        "compression_level": rendition.compression_level,
        "quality_score": rendition.quality_score,
    }


def replace_variants(
    engine: Engine, store: FileStore, asset: Mapping, rendered: RenderedSource, extra: dict
) -> list[SavedVariant]:
    """Make ``rendered`` the asset's variants; ``extra`` goes into optimization_applied."""
    with engine.connect() as conn:
        before = {r.file_path for r in conn.execute(sql("variants/variant_files"), _id(asset))}
    saved: list[SavedVariant] = []
    try:
        for rendition in rendered.renditions:
            key = variant_key(asset, rendition)
            store.put(key, rendition.data)
            saved.append(SavedVariant(key, rendition))
        with engine.begin() as conn:
            current = conn.execute(sql("variants/lock_asset"), _id(asset)).first()
            if current is None:
                raise AssetChangedError("the generated asset was deleted while rendering")
            if current.file_path != asset["file_path"]:
                raise AssetChangedError("the generated asset was regenerated while rendering")
            if current.validation_status not in ELIGIBLE:
                raise AssetChangedError(
                    f"the generated asset became {current.validation_status} while rendering"
                )
            old = {r.file_path for r in conn.execute(sql("variants/delete_variants"), _id(asset))}
            for item in saved:
                conn.execute(
                    sql("variants/insert_variant"),
                    _row(asset, store, item.key, item.rendition, extra),
                )
    except BaseException:
        _remove(store, {item.key for item in saved} - before)
        raise
    _remove(store, old - {item.key for item in saved})
    return saved


def _id(asset: Mapping) -> dict:
    return {"asset_id": asset["id"]}


def _remove(store: FileStore, keys: set) -> None:
    for key in keys:
        if key:
            store.delete(key)
