"""The Freepik AI image API as an ImageProvider (docs/PROVIDERS.md)."""

from resources.freepik.client import KNOWN_MODELS, TASK_MODEL_PATHS, FreepikClient
from resources.freepik.downloads import FREEPIK_CDN_HOSTS
from resources.freepik.errors import (
    FreepikAuthError,
    FreepikBadRequestError,
    FreepikConfigurationError,
    FreepikConnectionError,
    FreepikDownloadError,
    FreepikDownloadRefused,
    FreepikError,
    FreepikMalformedResponseError,
    FreepikNotFoundError,
    FreepikNsfwContentError,
    FreepikRateLimitedError,
    FreepikServerError,
    FreepikTaskDeadlineError,
    FreepikTaskFailedError,
    FreepikTimeoutError,
)
from resources.freepik.provider import API_KEY_SECRET, FreepikProvider, FreepikSettings
from resources.freepik.sizes import SIZE_RATIOS, size_name_for

__all__ = [
    "API_KEY_SECRET",
    "FREEPIK_CDN_HOSTS",
    "KNOWN_MODELS",
    "SIZE_RATIOS",
    "TASK_MODEL_PATHS",
    "FreepikAuthError",
    "FreepikBadRequestError",
    "FreepikClient",
    "FreepikConfigurationError",
    "FreepikConnectionError",
    "FreepikDownloadError",
    "FreepikDownloadRefused",
    "FreepikError",
    "FreepikMalformedResponseError",
    "FreepikNotFoundError",
    "FreepikNsfwContentError",
    "FreepikProvider",
    "FreepikRateLimitedError",
    "FreepikServerError",
    "FreepikSettings",
    "FreepikTaskDeadlineError",
    "FreepikTaskFailedError",
    "FreepikTimeoutError",
    "size_name_for",
]
