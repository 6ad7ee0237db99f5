"""FreepikClient: generating images with the Freepik AI API (docs/PROVIDERS.md).

One method per way of generating (synchronous classic-fast, asynchronous task models)
and `generate` to pick by model. Every HTTP attempt against the API is reported to
`on_call` (see api.py); result-file downloads are not API calls and are not reported.
"""

import random
import time
from collections.abc import Callable, Iterable
from typing import Any

import httpx
from tenacity import Retrying, retry_if_exception, stop_after_attempt

from core.generation import BudgetGuard, CallRecorder, GeneratedImage, ImageSpec
from resources.freepik import payloads
from resources.freepik.api import ApiConnection, ApiRequest, Reader, T, call_api
from resources.freepik.downloads import (
    DEFAULT_MAX_DOWNLOAD_BYTES,
    DownloadPolicy,
    default_download_hosts,
    download,
)
from resources.freepik.errors import (
    FreepikConfigurationError,
    FreepikError,
    FreepikMalformedResponseError,
    FreepikNsfwContentError,
    FreepikTaskDeadlineError,
    FreepikTaskFailedError,
)
from resources.freepik.payloads import CLASSIC_MODEL, TaskState
from resources.freepik.retry import backoff_wait, is_retryable

DEFAULT_BASE_URL = "https://api.freepik.com"
DEFAULT_API_KEY_HEADER = "x-freepik-api-key"
TEXT_TO_IMAGE_PATH = "/v1/ai/text-to-image"
# asynchronous models: POST creates a task, GET {path}/{task_id} polls it
TASK_MODEL_PATHS = {
    "mystic": "/v1/ai/mystic",
    "flux-dev": "/v1/ai/text-to-image/flux-dev",
}
KNOWN_MODELS = (CLASSIC_MODEL, *TASK_MODEL_PATHS)
IMAGES_PER_TASK = 1  # Mystic and Flux produce one image per task
_DONE, _FAILED = "COMPLETED", ("FAILED", "CANCELLED")


class FreepikClient:
    """Freepik's AI image endpoints with retries, polling and a safe download policy.

    sleep/clock/jitter are injectable so tests neither wait nor depend on chance;
    allowed_download_hosts/schemes default to https on the API's and Freepik's CDN hosts.
    """

    def __init__(
        self,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        api_key_header: str = DEFAULT_API_KEY_HEADER,
        timeout_s: float = 60,
        max_attempts: int = 4,
        backoff_initial_s: float = 1,
        backoff_max_s: float = 30,
        poll_interval_s: float = 2,
        task_deadline_s: float = 300,
        allowed_download_hosts: Iterable[str] | None = None,
        allowed_download_schemes: Iterable[str] = ("https",),
        max_download_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        if not api_key or not api_key.strip():
            raise FreepikConfigurationError("an API key is required (FREEPIK_API_KEY)")
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._owns_http = http is None
        self._http = http or httpx.Client(headers={"accept": "application/json"})
        self._connection = ApiConnection(
            http=self._http,
            base_url=base_url.rstrip("/"),
            api_key_header=api_key_header,
            api_key=api_key.strip(),
        )
        self._timeout_s = timeout_s
        self._max_attempts = max_attempts
        self._wait = backoff_wait(backoff_initial_s, backoff_max_s, jitter)
        self._poll_interval_s = poll_interval_s
        self._task_deadline_s = task_deadline_s
        hosts = default_download_hosts(base_url)
        if allowed_download_hosts is not None:
            hosts = tuple(allowed_download_hosts)
        self._download_policy = DownloadPolicy(
            hosts=hosts,
            schemes=tuple(s.lower() for s in allowed_download_schemes),
            max_bytes=max_download_bytes,
        )
        self._sleep = sleep
        self._clock = clock

    def __repr__(self) -> str:  # no key in logs or tracebacks
        return f"FreepikClient(base_url={self._connection.base_url!r})"

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> "FreepikClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def generate(
        self, spec: ImageSpec, *, on_call: CallRecorder, before_billable_call: BudgetGuard
    ) -> list[GeneratedImage]:
        """Generate with the spec's model (None means classic-fast)."""
        model = spec.model or CLASSIC_MODEL
        if model == CLASSIC_MODEL:
            return self.text_to_image(
                spec, on_call=on_call, before_billable_call=before_billable_call
            )
        path = TASK_MODEL_PATHS.get(model)
        if path is None:
            raise FreepikConfigurationError(
                f"unknown Freepik model {model!r}; known models: {', '.join(KNOWN_MODELS)}"
            )
        return self.generate_with_task(
            path, spec, on_call=on_call, before_billable_call=before_billable_call
        )

    def text_to_image(
        self, spec: ImageSpec, *, on_call: CallRecorder, before_billable_call: BudgetGuard
    ) -> list[GeneratedImage]:
        """POST /v1/ai/text-to-image: the images come back base64 in the response."""
        payloads.validate_spec(spec)
        body = payloads.text_to_image_body(spec)
        request = ApiRequest.generation(TEXT_TO_IMAGE_PATH, body, CLASSIC_MODEL, spec.num_images)

        def read(payload: Any) -> tuple[list[GeneratedImage], int, FreepikError | None]:
            decoded = payloads.sync_images(payload)
            if any(nsfw for _, nsfw in decoded):
                return [], len(decoded), _nsfw_error(TEXT_TO_IMAGE_PATH)
            seed = payloads.response_seed(payload, body["seed"])
            # this endpoint keeps no id for its images: provider id and kind stay None
            images = [GeneratedImage(data=data, seed=seed) for data, _ in decoded]
            return images, len(images), None

        return self._call(request, read, on_call, before_billable_call)

    def generate_with_task(
        self,
        model_path: str,
        spec: ImageSpec,
        *,
        on_call: CallRecorder,
        before_billable_call: BudgetGuard,
    ) -> list[GeneratedImage]:
        """An asynchronous model: one task per requested image, each polled to completion."""
        payloads.validate_spec(spec)
        model = spec.model or model_path.rstrip("/").rsplit("/", 1)[-1]
        images: list[GeneratedImage] = []
        for _ in range(spec.num_images):
            images += self._run_task(model_path, model, spec, on_call, before_billable_call)
        return images

    def _run_task(
        self,
        model_path: str,
        model: str,
        spec: ImageSpec,
        on_call: CallRecorder,
        before_billable_call: BudgetGuard,
    ) -> list[GeneratedImage]:
        body = payloads.task_body(model, spec)
        create = ApiRequest.generation(model_path, body, model, IMAGES_PER_TASK)
        state = self._call(create, _read_created_task, on_call, before_billable_call)
        state = self._wait_for_task(model_path, model, state, on_call)
        if state.status in _FAILED:
            raise FreepikTaskFailedError(
                f"task {state.task_id} ended {state.status}", endpoint=model_path
            )
        if state.has_nsfw:
            raise _nsfw_error(model_path)
        if not state.generated:
            raise FreepikMalformedResponseError(
                f"task {state.task_id} COMPLETED without result URLs", endpoint=model_path
            )
        return [
            GeneratedImage(
                data=self._download(url),
                seed=body.get("seed"),  # Mystic takes no seed: None
                provider_image_id=state.task_id,
                provider_image_kind="task",
            )
            for url in state.generated
        ]

    def _wait_for_task(
        self, model_path: str, model: str, state: TaskState, on_call: CallRecorder
    ) -> TaskState:
        """Poll every poll_interval until the task is terminal or the deadline passes."""
        deadline = self._clock() + self._task_deadline_s
        poll = ApiRequest(
            method="GET",
            path=f"{model_path}/{state.task_id}",
            endpoint=f"{model_path}/{{task_id}}",
            body=None,
            model=model,
            parameters={"task_id": state.task_id},
        )
        while state.status != _DONE and state.status not in _FAILED:
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise FreepikTaskDeadlineError(
                    f"task {state.task_id} still {state.status} after {self._task_deadline_s:g}s",
                    endpoint=model_path,
                )
            self._sleep(min(self._poll_interval_s, remaining))
            state = self._call(poll, _read_task, on_call, _no_guard)
        return state

    def _call(
        self,
        request: ApiRequest,
        read: Reader[T],
        on_call: CallRecorder,
        before_billable_call: BudgetGuard,
    ) -> T:
        return call_api(
            self._connection,
            request,
            read,
            retrying=self._retrying(),
            timeout_s=self._timeout_s,
            on_call=on_call,
            before_billable_call=before_billable_call,
        )

    def _download(self, url: str) -> bytes:
        # transient CDN failures are retried like API calls, but not recorded as calls
        retrying = self._retrying()
        try:
            return retrying(download, self._http, url, self._download_policy)
        except FreepikError as error:
            error.attempts = retrying.statistics.get("attempt_number")
            raise

    def _retrying(self) -> Retrying:
        return Retrying(
            stop=stop_after_attempt(self._max_attempts),
            wait=self._wait,
            retry=retry_if_exception(is_retryable),
            sleep=self._sleep,
            reraise=True,
        )


def _read_created_task(payload: Any) -> tuple[TaskState, int, FreepikError | None]:
    # Freepik bills a task when it accepts it, so the billable creation row carries the
    # task's image; polls then count none, and summing api_usage.images never doubles
    return payloads.task_state(payload), IMAGES_PER_TASK, None


def _read_task(payload: Any) -> tuple[TaskState, int, FreepikError | None]:
    return payloads.task_state(payload), 0, None


def _no_guard(images: int) -> None:
    """Polls spend nothing, so there is no budget to ask."""


def _nsfw_error(endpoint: str) -> FreepikNsfwContentError:
    return FreepikNsfwContentError(
        "the result was flagged as NSFW and withheld; change the prompt", endpoint=endpoint
    )
