"""The image store as a Dagster resource: which FileStore a run writes to."""

import os
from functools import cache

from dagster import ConfigurableResource
from pydantic import Field

from resources.file_store import FileStore
from resources.paths import data_dir


class ImageStoreResource(ConfigurableResource):
    """The image store: `.data/media` unless IMAGE_STORE_URL names another folder or bucket."""

    root: str | None = Field(
        default=None, description="Folder or fsspec URL (s3://bucket/prefix); empty = .data/media"
    )
    public_base_url: str | None = Field(
        default=None, description="Public URL prefix for file_url; empty = the store URL"
    )

    def get_store(self) -> FileStore:
        root = self.root or os.environ.get("IMAGE_STORE_URL") or str(data_dir() / "media")
        public = self.public_base_url or os.environ.get("IMAGE_STORE_PUBLIC_URL") or None
        return _file_store(root, public)


@cache
def _file_store(root: str, public_base_url: str | None) -> FileStore:
    return FileStore(root, public_base_url)
