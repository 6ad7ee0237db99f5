"""FreepikProvider: the ImageProvider the generation stage uses when provider = freepik."""

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from core.generation import BudgetGuard, CallRecorder, GeneratedImage, ImageSpec
from resources.freepik.client import (
    DEFAULT_API_KEY_HEADER,
    DEFAULT_BASE_URL,
    KNOWN_MODELS,
    FreepikClient,
)
from resources.freepik.errors import FreepikConfigurationError
from resources.freepik.payloads import CLASSIC_MODEL

# where the key may be stored instead of FREEPIK_API_KEY: system_settings secrets/<this>
API_KEY_SECRET = "freepik.api_key"


@dataclass(frozen=True)
class FreepikSettings:
    """What the provider reads from the environment (FREEPIK_*)."""

    api_key: str = field(repr=False)  # never in logs, reprs or run metadata
    base_url: str = DEFAULT_BASE_URL
    # the same API is also sold under another brand, with another host and header name
    api_key_header: str = DEFAULT_API_KEY_HEADER
    model: str = CLASSIC_MODEL

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        api_key_fallback: Callable[[], str | None] | None = None,
    ) -> "FreepikSettings":
        """Settings from FREEPIK_API_KEY, FREEPIK_BASE_URL, FREEPIK_API_KEY_HEADER and
        FREEPIK_MODEL; blank values mean the default. Without FREEPIK_API_KEY the key
        is `api_key_fallback()` (the stored secret), called only then."""
        env = os.environ if environ is None else environ
        api_key = env.get("FREEPIK_API_KEY", "").strip()
        if not api_key and api_key_fallback is not None:
            api_key = (api_key_fallback() or "").strip()
        if not api_key:
            raise FreepikConfigurationError(
                "FREEPIK_API_KEY is not set and no secret "
                f"secrets/{API_KEY_SECRET} is stored; the freepik image provider needs an "
                "API key (or choose the local provider)"
            )
        model = env.get("FREEPIK_MODEL", "").strip() or CLASSIC_MODEL
        if model not in KNOWN_MODELS:
            raise FreepikConfigurationError(
                f"FREEPIK_MODEL={model!r} is not a known model; use one of "
                f"{', '.join(KNOWN_MODELS)}"
            )
        return cls(
            api_key=api_key,
            base_url=env.get("FREEPIK_BASE_URL", "").strip() or DEFAULT_BASE_URL,
            api_key_header=env.get("FREEPIK_API_KEY_HEADER", "").strip() or DEFAULT_API_KEY_HEADER,
            model=model,
        )


class FreepikProvider:
    """ImageProvider over FreepikClient; a spec without a model gets the configured one."""

    name = "freepik"

    def __init__(self, client: FreepikClient, default_model: str = CLASSIC_MODEL) -> None:
        self._client = client
        self._default_model = default_model

    @property
    def default_model(self) -> str:
        """The model a spec without one is generated with (FREEPIK_MODEL)."""
        return self._default_model

    @classmethod
    def from_settings(cls, settings: FreepikSettings, **client_options: Any) -> "FreepikProvider":
        """client_options go to FreepikClient (timeouts, retries, download policy, ...)."""
        client = FreepikClient(
            settings.api_key,
            base_url=settings.base_url,
            api_key_header=settings.api_key_header,
            **client_options,
        )
        return cls(client, default_model=settings.model)

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        api_key_fallback: Callable[[], str | None] | None = None,
        **client_options: Any,
    ) -> "FreepikProvider":
        settings = FreepikSettings.from_env(environ, api_key_fallback=api_key_fallback)
        return cls.from_settings(settings, **client_options)

    def generate(
        self, spec: ImageSpec, *, on_call: CallRecorder, before_billable_call: BudgetGuard
    ) -> list[GeneratedImage]:
        if spec.model is None:
            spec = replace(spec, model=self._default_model)
        return self._client.generate(
            spec, on_call=on_call, before_billable_call=before_billable_call
        )

    def close(self) -> None:
        self._client.close()
