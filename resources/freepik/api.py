"""One Freepik API call: sent, retried on transient failures, and accounted.

Each HTTP attempt (every retry, every poll) becomes one ApiCall for `on_call`, so
api_usage sees exactly what hit the API. A generation POST asks the budget guard
first on every attempt: a retry may be billed like the first try.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
from tenacity import Retrying

from core.generation import ApiCall, BudgetGuard, CallRecorder
from resources.freepik.errors import (
    FreepikAuthError,
    FreepikBadRequestError,
    FreepikConnectionError,
    FreepikError,
    FreepikMalformedResponseError,
    FreepikNotFoundError,
    FreepikRateLimitedError,
    FreepikServerError,
    FreepikTimeoutError,
)
from resources.freepik.payloads import api_error_message, recorded_parameters
from resources.freepik.retry import RETRYABLE_STATUSES, parse_retry_after

PROVIDER = "freepik"
_ERROR_TEXT_CHARS = 300

T = TypeVar("T")
# Reads a 2xx JSON body: (value, images it returned, error to raise once recorded)
Reader = Callable[[Any], tuple[T, int, FreepikError | None]]


@dataclass(frozen=True)
class ApiRequest:
    method: str
    path: str  # the path requested
    endpoint: str  # the path as recorded (task ids templated out, so usage groups well)
    body: dict[str, Any] | None
    model: str
    parameters: dict[str, Any]  # as recorded: secrets removed, prompts shortened
    billable_images: int = 0  # > 0 marks a generation POST: guarded, billed on 2xx

    @classmethod
    def generation(cls, path: str, body: dict[str, Any], model: str, images: int) -> "ApiRequest":
        parameters = recorded_parameters(body)
        return cls("POST", path, path, body, model, parameters, billable_images=images)


@dataclass(frozen=True)
class ApiConnection:
    http: httpx.Client
    base_url: str
    api_key_header: str
    api_key: str = field(repr=False)  # never in reprs, logs or tracebacks


def call_api(
    connection: ApiConnection,
    request: ApiRequest,
    read: Reader[T],
    *,
    retrying: Retrying,
    timeout_s: float,
    on_call: CallRecorder,
    before_billable_call: BudgetGuard,
) -> T:
    """The request's value, after up to retrying's attempts; the last error otherwise."""
    attempts = 0

    def attempt() -> T:
        nonlocal attempts
        attempts += 1
        return _attempt(connection, request, read, timeout_s, on_call, before_billable_call)

    try:
        return retrying(attempt)
    except FreepikError as error:
        error.attempts = attempts  # the message then says how hard we tried
        raise


def _attempt(
    connection: ApiConnection,
    request: ApiRequest,
    read: Reader[T],
    timeout_s: float,
    on_call: CallRecorder,
    before_billable_call: BudgetGuard,
) -> T:
    if request.billable_images:
        # raises (BudgetExceededError) to stop: then nothing is sent or recorded
        before_billable_call(request.billable_images)
    started = time.perf_counter()
    response: httpx.Response | None = None
    try:
        response = _send(connection, request, timeout_s)
        latency_ms = _elapsed_ms(started)
        value, images, error = _read_response(request, response, read)
    except FreepikError as exc:
        on_call(_record(request, response, _elapsed_ms(started), 0, exc))
        raise
    on_call(_record(request, response, latency_ms, images, error))
    if error is not None:
        raise error
    return value


def _send(connection: ApiConnection, request: ApiRequest, timeout_s: float) -> httpx.Response:
    try:
        return connection.http.request(
            request.method,
            connection.base_url + request.path,
            json=request.body,
            # per request, never a client default, so downloads cannot carry the key
            headers={connection.api_key_header: connection.api_key},
            timeout=timeout_s,
        )
    except httpx.TimeoutException as exc:
        raise FreepikTimeoutError(
            f"no response within {timeout_s:g}s", endpoint=request.endpoint
        ) from exc
    except httpx.TransportError as exc:
        # connection refused, reset, or closed before a response ("dropped")
        raise FreepikConnectionError(
            f"connection failed ({type(exc).__name__})", endpoint=request.endpoint
        ) from exc


def _read_response(
    request: ApiRequest, response: httpx.Response, read: Reader[T]
) -> tuple[T, int, FreepikError | None]:
    try:
        payload = response.json()
    except ValueError:
        payload = None
        if response.is_success:
            raise FreepikMalformedResponseError(
                "response is not valid JSON",
                status=response.status_code,
                endpoint=request.endpoint,
            ) from None
    if not response.is_success:
        raise status_error(request.endpoint, response, payload)
    try:
        return read(payload)
    except FreepikError as error:
        error.status, error.endpoint = response.status_code, request.endpoint
        raise


def status_error(endpoint: str, response: httpx.Response, payload: Any) -> FreepikError:
    """The error for a non-2xx response; only 429 and 500/502/503/504 are retryable."""
    status = response.status_code
    fields: dict[str, Any] = {
        "status": status,
        "api_message": api_error_message(payload),
        "endpoint": endpoint,
    }
    if status in (401, 403):
        return FreepikAuthError(
            "API key rejected (check FREEPIK_API_KEY and FREEPIK_API_KEY_HEADER)", **fields
        )
    if status in (400, 422):
        return FreepikBadRequestError("request rejected as invalid", **fields)
    if status == 404:
        return FreepikNotFoundError("not found", **fields)
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    if status == 429:
        return FreepikRateLimitedError(
            "rate limited (too many requests or daily quota used up)",
            retry_after_s=retry_after,
            **fields,
        )
    if status >= 500:
        return FreepikServerError(
            "server error",
            retry_after_s=retry_after,
            retryable=status in RETRYABLE_STATUSES,
            **fields,
        )
    return FreepikError("unexpected response", **fields)


def _record(
    request: ApiRequest,
    response: httpx.Response | None,
    latency_ms: int,
    images: int,
    error: FreepikError | None,
) -> ApiCall:
    status = response.status_code if response is not None else None
    # Freepik charges a generation it accepted (2xx), even one we then reject
    # (NSFW, unreadable body); failed calls and polls cost nothing
    billable = bool(request.billable_images) and status is not None and 200 <= status < 300
    return ApiCall(
        provider=PROVIDER,
        endpoint=request.endpoint,
        method=request.method,
        status=status,
        latency_ms=latency_ms,
        request_parameters=request.parameters,
        images=images,
        billable=billable,
        model=request.model,
        error=_short(error) if error is not None else None,
    )


def _short(error: FreepikError) -> str:
    text = f"{error.detail}: {error.api_message}" if error.api_message else error.detail
    return text[:_ERROR_TEXT_CHARS]


def _elapsed_ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
