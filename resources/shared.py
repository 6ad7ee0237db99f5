"""The resource objects the stages share. Each stage's Definitions names the ones its
runs need; the code location merges them, and Dagster merges a key only when every
stage gives it the same object. Every resource reads its environment at run time
(README "Configuration"): DATABASE_URL, IMAGE_STORE_URL, IMAGE_PROVIDER, FREEPIK_*."""

from resources.database import DatabaseResource
from resources.image_providers import ImageProviderResource
from resources.image_store import ImageStoreResource

DATABASE = DatabaseResource()
IMAGE_STORE = ImageStoreResource()
IMAGE_PROVIDER = ImageProviderResource()
