"""Which image provider generates an organization's images.

IMAGE_PROVIDER (`local` by default, or `freepik`) sets the default; an
organization may choose its own in `organizations.settings.image_provider`.
"""

import os
from collections.abc import Mapping

from dagster import ConfigurableResource
from pydantic import Field

from assets.generation.local_provider import LocalProvider
from assets.generation.types import GenerationError, ImageProvider

PROVIDERS = ("local", "freepik")


def choose_provider_name(organization_settings: Mapping, default: str) -> str:
    name = str(organization_settings.get("image_provider") or default).strip().lower()
    if name not in PROVIDERS:
        raise GenerationError(
            f"image provider {name!r} is not known; choose one of {', '.join(PROVIDERS)}"
        )
    return name


def build_provider(name: str, **freepik_options) -> ImageProvider:
    if name == "freepik":
        from resources.freepik import FreepikProvider

        return FreepikProvider.from_env(**freepik_options)
    return LocalProvider()


class ImageProviderResource(ConfigurableResource):
    """Image providers; FREEPIK_API_KEY, FREEPIK_BASE_URL, FREEPIK_MODEL configure Freepik."""

    default_provider: str | None = Field(
        default=None, description="local or freepik; empty = IMAGE_PROVIDER, else local"
    )

    freepik_timeout_s: float = Field(default=60, gt=0, description="Per HTTP call.")
    freepik_max_attempts: int = Field(
        default=4, ge=1, description="Tries per call, retries included."
    )
    freepik_backoff_initial_s: float = Field(default=1, ge=0, description="First retry wait.")
    freepik_poll_interval_s: float = Field(default=2, ge=0, description="Task status polling.")
    freepik_task_deadline_s: float = Field(
        default=300, gt=0, description="Give up on a task after."
    )
    freepik_download_hosts: list[str] | None = Field(
        default=None, description="Hosts results may be downloaded from; empty = Freepik's own."
    )
    freepik_download_schemes: list[str] = Field(
        default=["https"], description="URL schemes results may be downloaded over."
    )

    def provider_for(self, organization_settings: Mapping) -> ImageProvider:
        default = self.default_provider or os.environ.get("IMAGE_PROVIDER") or "local"
        return build_provider(
            choose_provider_name(organization_settings, default),
            timeout_s=self.freepik_timeout_s,
            max_attempts=self.freepik_max_attempts,
            backoff_initial_s=self.freepik_backoff_initial_s,
            poll_interval_s=self.freepik_poll_interval_s,
            task_deadline_s=self.freepik_task_deadline_s,
            allowed_download_hosts=tuple(self.freepik_download_hosts)
            if self.freepik_download_hosts
            else None,
            allowed_download_schemes=tuple(self.freepik_download_schemes),
        )
