"""Why a Freepik call failed, as one exception type per cause a caller handles differently.

Every error is a GenerationError, so the generation stage can fail one request with a
readable message without knowing about HTTP. The message names the endpoint, the HTTP
status and the API's own "message" field, because that field is usually the only
place that says what was wrong (which parameter, which quota).
"""

from core.generation import GenerationError


class FreepikError(GenerationError):
    """A Freepik call failed; `str(error)` is the message a requester reads."""

    # Transient causes (rate limits, outages, network) are retried; the rest never are.
    retryable = False

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        api_message: str | None = None,
        endpoint: str | None = None,
        retry_after_s: float | None = None,
        retryable: bool | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.api_message = api_message
        self.endpoint = endpoint
        self.retry_after_s = retry_after_s
        if retryable is not None:  # e.g. a download that hit a CDN hiccup
            self.retryable = retryable
        # set by the client when it gives up, so the message says how hard it tried
        self.attempts: int | None = None

    def __str__(self) -> str:
        text = f"Freepik: {self.detail}"
        if self.endpoint:
            text += f" [{self.endpoint}]"
        if self.status is not None:
            text += f" (HTTP {self.status})"
        if self.api_message:
            text += f": {self.api_message}"
        if self.attempts is not None and self.attempts > 1:
            text += f"; gave up after {self.attempts} attempts"
        return text


class FreepikConfigurationError(FreepikError):
    """Missing API key, unknown model: fix the settings, not the request."""


class FreepikAuthError(FreepikError):
    """401/403: the key is missing, wrong, or not allowed to use this endpoint."""


class FreepikBadRequestError(FreepikError):
    """400 (or refused locally before sending): the request itself is invalid."""


class FreepikNotFoundError(FreepikError):
    """404: unknown endpoint or task id."""


class FreepikRateLimitedError(FreepikError):
    """429: per-second burst or daily quota; still limited after every retry."""

    retryable = True


class FreepikServerError(FreepikError):
    """5xx: Freepik's side failed; still failing after every retry."""

    retryable = True


class FreepikConnectionError(FreepikError):
    """No response at all (connection refused or dropped); after every retry."""

    retryable = True


class FreepikTimeoutError(FreepikConnectionError):
    """No response within the client's timeout; after every retry."""


class FreepikMalformedResponseError(FreepikError):
    """A 2xx whose body is not the JSON the contract describes (never retried)."""


class FreepikTaskFailedError(FreepikError):
    """An asynchronous task ended FAILED or CANCELLED."""


class FreepikTaskDeadlineError(FreepikError):
    """An asynchronous task did not finish before the client's deadline."""


class FreepikNsfwContentError(FreepikError):
    """The API flagged a result as NSFW; no image is returned for the request."""


class FreepikDownloadError(FreepikError):
    """A result file could not be fetched (HTTP error, network, not an image)."""


class FreepikDownloadRefused(FreepikDownloadError):
    """A result URL broke the download policy (scheme, host, redirect or size cap)."""
