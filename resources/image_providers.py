"""Which image provider generates an organization's images.

IMAGE_PROVIDER (`local` by default, or `freepik`) sets the default; an
organization may choose its own in `organizations.settings.image_provider`.
Freepik's key is FREEPIK_API_KEY, else the encrypted system_settings secret
`secrets/freepik.api_key`, read when a provider is built.
"""

import os
from collections.abc import Callable, Mapping

from dagster import ConfigurableResource
from pydantic import Field
from sqlalchemy import Engine

from core.generation import GenerationError, ImageProvider
from resources.local_provider import LocalProvider

PROVIDERS = ("local", "freepik")


def choose_provider_name(organization_settings: Mapping, default: str) -> str:
    name = str(organization_settings.get("image_provider") or default).strip().lower()
    if name not in PROVIDERS:
        raise GenerationError(
            f"image provider {name!r} is not known; choose one of {', '.join(PROVIDERS)}"
        )
    return name


def stored_freepik_key(engine: Engine) -> Callable[[], str | None]:
    """Reads and decrypts `secrets/freepik.api_key` when called (None when absent)."""
    # imported on use, like the provider itself: loading the definitions stays light
    from resources.freepik import API_KEY_SECRET, FreepikConfigurationError
    from resources.settings import SettingsError, secret_value

    def read() -> str | None:
        try:
            with engine.connect() as conn:
                return secret_value(conn, API_KEY_SECRET)
        except SettingsError as error:
            # a configuration problem, not the request's: fail it with a readable reason
            raise FreepikConfigurationError(str(error)) from None

    return read


def build_provider(
    name: str, *, api_key_fallback: Callable[[], str | None] | None = None, **freepik_options
) -> ImageProvider:
    if name == "freepik":
        from resources.freepik import FreepikProvider

        return FreepikProvider.from_env(api_key_fallback=api_key_fallback, **freepik_options)
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

    def provider_for(
        self, organization_settings: Mapping, engine: Engine | None = None
    ) -> ImageProvider:
        """With `engine`, Freepik's key may come from system_settings (FREEPIK_API_KEY wins)."""
        default = self.default_provider or os.environ.get("IMAGE_PROVIDER") or "local"
        return build_provider(
            choose_provider_name(organization_settings, default),
            api_key_fallback=stored_freepik_key(engine) if engine is not None else None,
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
