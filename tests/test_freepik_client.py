"""FreepikClient against the local fake Freepik server: success paths and every fault.

No test waits for real: sleeps go to a fake clock that records them, and jitter is
fixed at its maximum so backoff waits are exact (1 s, 2 s, 4 s with the defaults).
"""

import io
import json
import random
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest
from PIL import Image

from core.generation import ApiCall, BudgetExceededError, ImageSpec, PaletteColor
from resources.freepik import (
    FreepikAuthError,
    FreepikBadRequestError,
    FreepikClient,
    FreepikConfigurationError,
    FreepikConnectionError,
    FreepikDownloadError,
    FreepikDownloadRefused,
    FreepikMalformedResponseError,
    FreepikNotFoundError,
    FreepikNsfwContentError,
    FreepikProvider,
    FreepikRateLimitedError,
    FreepikServerError,
    FreepikSettings,
    FreepikTaskDeadlineError,
    FreepikTaskFailedError,
    FreepikTimeoutError,
    size_name_for,
)
from resources.freepik.downloads import DownloadPolicy, check_url, default_download_hosts
from tests.fake_freepik import FakeFreepik, Fault, TaskPlan, running_fake_freepik

SYNC = "/v1/ai/text-to-image"
MYSTIC = "/v1/ai/mystic"
FLUX = "/v1/ai/text-to-image/flux-dev"
PROMPT = "Sunlit cafe terrace in the brand colours"


class FakeTime:
    """clock + sleep: sleeping advances the clock at once and is recorded."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Usage:
    """on_call and before_billable_call for one generation, with what they saw."""

    def __init__(self, budget_images: int | None = None) -> None:
        self.calls: list[ApiCall] = []
        self.asked: list[int] = []
        self.budget_images = budget_images

    def on_call(self, call: ApiCall) -> None:
        self.calls.append(call)

    def before_billable_call(self, images: int) -> None:
        spent = sum(self.asked)
        if self.budget_images is not None and spent + images > self.budget_images:
            raise BudgetExceededError(f"daily budget of {self.budget_images} images reached")
        self.asked.append(images)

    def generate(self, client: FreepikClient | FreepikProvider, spec: ImageSpec) -> list:
        return client.generate(
            spec, on_call=self.on_call, before_billable_call=self.before_billable_call
        )

    def statuses(self) -> list[int | None]:
        return [c.status for c in self.calls]


def make_spec(**changes: object) -> ImageSpec:
    spec = ImageSpec(
        prompt=PROMPT,
        width=1080,
        height=1080,
        size_name="square_1_1",
        seed=42,
        palette=(PaletteColor("#1a73e8", 0.7), PaletteColor("#fbbc04", 0.3)),
        style="photo",
    )
    return replace(spec, **changes)


@pytest.fixture
def fake_freepik() -> Iterator[FakeFreepik]:
    with running_fake_freepik() as fake:
        yield fake


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    # trust_env=False: a proxy configured on the machine must not sit in front of 127.0.0.1;
    # one for the module, since building an httpx client (its TLS context) costs ~0.1 s
    with httpx.Client(trust_env=False) as client:
        yield client


@pytest.fixture
def make_client(fake_freepik: FakeFreepik, fake_time: FakeTime, http: httpx.Client):
    """A client for the fake; tests may override any option."""

    def make(**options: object) -> FreepikClient:
        settings: dict = {
            "base_url": fake_freepik.base_url,
            "timeout_s": 2,
            "http": http,
            "sleep": fake_time.sleep,
            "clock": fake_time,
            "jitter": lambda: 1.0,
            "allowed_download_hosts": (fake_freepik.host,),
            "allowed_download_schemes": ("http",),
        }
        settings.update(options)
        api_key = settings.pop("api_key", fake_freepik.api_key)
        return FreepikClient(api_key, **settings)

    return make


@pytest.fixture
def client(make_client) -> FreepikClient:
    return make_client()


@pytest.fixture
def usage(fake_freepik: FakeFreepik) -> Iterator[Usage]:
    usage = Usage()
    yield usage
    # whatever happened, the API key never reaches api_usage
    for call in usage.calls:
        assert fake_freepik.api_key not in json.dumps(call.request_parameters)
        assert fake_freepik.api_key not in (call.error or "")
        assert call.provider == "freepik"


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# -- sizes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        (1080, 1080, "square_1_1"),
        (1080, 1920, "social_story_9_16"),
        (1080, 1350, "social_post_4_5"),
        (1280, 720, "widescreen_16_9"),
        (1200, 675, "widescreen_16_9"),
        (1200, 628, "horizontal_2_1"),
        (1000, 1500, "portrait_2_3"),
        (1024, 768, "classic_4_3"),
        (1250, 1000, "social_5_4"),
        (500, 1000, "vertical_1_2"),
    ],
)
def test_size_name_is_the_closest_aspect_ratio(width: int, height: int, expected: str) -> None:
    assert size_name_for(width, height) == expected


# -- synchronous classic-fast -----------------------------------------------------


def test_text_to_image_returns_decodable_images_and_one_billable_call(
    client: FreepikClient, fake_freepik: FakeFreepik, usage: Usage
) -> None:
    images = usage.generate(client, make_spec(num_images=2))

    assert len(images) == 2
    for image in images:
        picture = decode(image.data)
        assert (picture.format, picture.size) == ("PNG", (256, 256))
        assert image.seed == 42
        assert (image.provider_image_id, image.provider_image_kind) == (None, None)
        assert image.has_nsfw is False

    (sent,) = fake_freepik.api_requests
    assert sent.headers["x-freepik-api-key"] == fake_freepik.api_key
    assert sent.json == {
        "prompt": PROMPT,
        "seed": 42,
        "num_images": 2,
        "image": {"size": "square_1_1"},
        "filter_nsfw": True,
        "styling": {
            "style": "photo",
            "colors": [
                {"color": "#1A73E8", "weight": 0.7},
                {"color": "#FBBC04", "weight": 0.3},
            ],
        },
    }
    (call,) = usage.calls
    assert (call.endpoint, call.method, call.status) == (SYNC, "POST", 200)
    assert (call.billable, call.images, call.model, call.error) == (True, 2, "classic-fast", None)
    assert call.request_parameters == sent.json
    assert usage.asked == [2]


def test_same_seed_gives_the_same_image(client: FreepikClient, usage: Usage) -> None:
    first = usage.generate(client, make_spec(seed=7))[0].data
    again = usage.generate(client, make_spec(seed=7))[0].data
    other = usage.generate(client, make_spec(seed=8))[0].data
    assert first == again != other


def test_recorded_prompt_is_truncated_and_holds_no_key(
    client: FreepikClient, fake_freepik: FakeFreepik, usage: Usage
) -> None:
    long_prompt = "a terrace " * 200
    usage.generate(client, make_spec(prompt=long_prompt))

    assert fake_freepik.api_requests[0].json["prompt"] == long_prompt
    assert usage.calls[0].request_parameters["prompt"] == long_prompt[:500]


@pytest.mark.parametrize("prompt", ["", "ab", "  a  "])
def test_short_prompt_is_refused_before_any_call(
    client: FreepikClient, fake_freepik: FakeFreepik, usage: Usage, prompt: str
) -> None:
    with pytest.raises(FreepikBadRequestError, match="at least 3 characters"):
        usage.generate(client, make_spec(prompt=prompt))
    assert fake_freepik.requests == []
    assert usage.calls == usage.asked == []


def test_too_many_images_are_refused_before_any_call(
    client: FreepikClient, fake_freepik: FakeFreepik, usage: Usage
) -> None:
    with pytest.raises(FreepikBadRequestError, match="num_images must be between 1 and 4"):
        usage.generate(client, make_spec(num_images=5))
    assert fake_freepik.requests == []


def test_unknown_model_is_a_configuration_error(
    client: FreepikClient, fake_freepik: FakeFreepik, usage: Usage
) -> None:
    with pytest.raises(FreepikConfigurationError, match="unknown Freepik model 'dall-e'"):
        usage.generate(client, make_spec(model="dall-e"))
    assert fake_freepik.requests == []


# -- budget -----------------------------------------------------------------------


@pytest.mark.parametrize("model", [None, "mystic"])
def test_budget_guard_stops_before_any_http_call(
    client: FreepikClient, fake_freepik: FakeFreepik, model: str | None
) -> None:
    usage = Usage(budget_images=0)
    with pytest.raises(BudgetExceededError, match="daily budget"):
        usage.generate(client, make_spec(model=model))
    assert fake_freepik.requests == []
    assert usage.calls == []


def test_budget_guard_is_asked_again_before_a_retry(
    client: FreepikClient, fake_freepik: FakeFreepik
) -> None:
    fake_freepik.queue_fault(Fault.error(503))
    usage = Usage(budget_images=1)  # enough for the first attempt only

    with pytest.raises(BudgetExceededError):
        usage.generate(client, make_spec())

    assert len(fake_freepik.api_requests) == 1
    assert usage.statuses() == [503]


# -- retryable faults -------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_one_transient_status_is_retried_after_backoff(
    client: FreepikClient,
    fake_freepik: FakeFreepik,
    fake_time: FakeTime,
    usage: Usage,
    status: int,
) -> None:
    fake_freepik.queue_fault(Fault.error(status), path=SYNC)

    images = usage.generate(client, make_spec())

    assert len(images) == 1
    assert fake_time.sleeps == [1.0]
    assert usage.statuses() == [status, 200]
    assert [c.billable for c in usage.calls] == [False, True]
    assert [c.images for c in usage.calls] == [0, 1]
    assert f"Injected {status}" in usage.calls[0].error
    assert usage.calls[1].error is None
    assert usage.asked == [1, 1]


def test_429_retry_after_is_honoured(
    client: FreepikClient, fake_freepik: FakeFreepik, fake_time: FakeTime, usage: Usage
) -> None:
    fake_freepik.queue_fault(Fault.error(429, "Too many requests", retry_after="7"))

    usage.generate(client, make_spec())

    assert fake_time.sleeps == [7.0]
    assert usage.statuses() == [429, 200]
    assert usage.calls[0].error == (
        "rate limited (too many requests or daily quota used up): Too many requests"
    )


def test_retry_after_is_capped_at_the_maximum_backoff(
    client: FreepikClient, fake_freepik: FakeFreepik, fake_time: FakeTime, usage: Usage
) -> None:
    fake_freepik.queue_fault(Fault.error(429, retry_after="86400"))

    usage.generate(client, make_spec())

    assert fake_time.sleeps == [30.0]


def test_persistent_429_gives_up_after_bounded_exponential_backoff(
    client: FreepikClient, fake_freepik: FakeFreepik, fake_time: FakeTime, usage: Usage
) -> None:
    fake_freepik.queue_fault(Fault.error(429, "Daily limit reached"), times=10)

    with pytest.raises(FreepikRateLimitedError) as raised:
        usage.generate(client, make_spec())

    assert len(fake_freepik.api_requests) == 4
    assert fake_time.sleeps == [1.0, 2.0, 4.0]
    assert raised.value.status == 429
    assert raised.value.attempts == 4
    message = str(raised.value)
    assert "HTTP 429" in message
    assert "Daily limit reached" in message
    assert "gave up after 4 attempts" in message
    assert usage.statuses() == [429] * 4
    assert not any(c.billable for c in usage.calls)


def test_backoff_is_capped_and_jittered(
    make_client, fake_freepik: FakeFreepik, fake_time: FakeTime, usage: Usage
) -> None:
    client = make_client(max_attempts=6, backoff_max_s=5, jitter=random.Random(3).random)
    fake_freepik.queue_fault(Fault.error(503, "Service Unavailable"), times=10)

    with pytest.raises(FreepikServerError, match="Service Unavailable"):
        usage.generate(client, make_spec())

    ceilings = [1, 2, 4, 5, 5]  # 1 * 2**n, capped at backoff_max_s
    assert len(fake_time.sleeps) == len(ceilings)
    for slept, ceiling in zip(fake_time.sleeps, ceilings, strict=True):
        assert ceiling / 2 <= slept <= ceiling
    assert len(set(fake_time.sleeps)) > 1  # jitter, not lockstep


def test_slow_response_times_out_and_is_retried(
    make_client, fake_freepik: FakeFreepik, fake_time: FakeTime, usage: Usage
) -> None:
    client = make_client(timeout_s=0.3)
    fake_freepik.queue_fault(Fault.slow(2.0), path=SYNC)

    images = usage.generate(client, make_spec())

    assert len(images) == 1
    assert usage.statuses() == [None, 200]
    assert usage.calls[0].error == "no response within 0.3s"
    assert usage.calls[0].billable is False
    assert fake_time.sleeps == [1.0]


def test_persistent_slowness_ends_in_a_timeout_error(
    make_client, fake_freepik: FakeFreepik, usage: Usage
) -> None:
    client = make_client(timeout_s=0.3, max_attempts=2)
    fake_freepik.queue_fault(Fault.slow(2.0), times=2)

    with pytest.raises(FreepikTimeoutError, match="no response within 0.3s") as raised:
        usage.generate(client, make_spec())

    assert isinstance(raised.value, FreepikConnectionError)
    assert "gave up after 2 attempts" in str(raised.value)
    assert usage.statuses() == [None, None]


def test_dropped_connection_is_retried(
    client: FreepikClient, fake_freepik: FakeFreepik, fake_time: FakeTime, usage: Usage
) -> None:
    fake_freepik.queue_fault(Fault.dropped())

    images = usage.generate(client, make_spec())

    assert len(images) == 1
    assert usage.statuses() == [None, 200]
    assert usage.calls[0].error.startswith("connection failed")
    assert fake_time.sleeps == [1.0]


def test_connection_that_keeps_dropping_ends_in_a_connection_error(
    client: FreepikClient, fake_freepik: FakeFreepik, usage: Usage
) -> None:
    fake_freepik.queue_fault(Fault.dropped(), times=4)

    with pytest.raises(FreepikConnectionError, match="gave up after 4 attempts"):
        usage.generate(client, make_spec())
    assert usage.statuses() == [None] * 4


# -- final faults: no retry -------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, FreepikBadRequestError),
        (401, FreepikAuthError),
        (403, FreepikAuthError),
        (404, FreepikNotFoundError),
    ],
)
def test_client_errors_are_not_retried(
    client: FreepikClient,
    fake_freepik: FakeFreepik,
    fake_time: FakeTime,
    usage: Usage,
    status: int,
    error_type: type,
) -> None:
    fake_freepik.queue_fault(Fault.error(status, "Nope"))

    with pytest.raises(error_type, match=f"HTTP {status}.*: Nope"):
        usage.generate(client, make_spec())

    assert len(fake_freepik.api_requests) == 1
    assert fake_time.sleeps == []
    assert usage.statuses() == [status]
    assert usage.calls[0].billable is False


@pytest.mark.parametrize(
    ("options", "api_message"),
    [
        ({"api_key": "not-the-key"}, "Invalid API key"),
        ({"api_key_header": "x-some-other-header"}, "Missing API key"),
    ],
)
def test_rejected_api_key_is_a_clear_auth_error(
    make_client, fake_freepik: FakeFreepik, usage: Usage, options: dict, api_message: str
) -> None:
    client = make_client(**options)

    with pytest.raises(FreepikAuthError) as raised:
        usage.generate(client, make_spec())

    assert str(raised.value) == (
        "Freepik: API key rejected (check FREEPIK_API_KEY and FREEPIK_API_KEY_HEADER) "
        f"[{SYNC}] (HTTP 401): {api_message}"
    )
    assert len(fake_freepik.api_requests) == 1
    assert "not-the-key" not in json.dumps(usage.calls[0].request_parameters)


def test_server_side_validation_error_names_the_parameter(
    client: FreepikClient, fake_freepik: FakeFreepik, usage: Usage
) -> None:
    with pytest.raises(FreepikBadRequestError, match=r"image\.size' is not valid: bogus_9_9"):
        usage.generate(client, make_spec(size_name="bogus_9_9"))
    assert len(fake_freepik.api_requests) == 1


def test_malformed_json_is_not_retried(
    client: FreepikClient, fake_freepik: FakeFreepik, fake_time: FakeTime, usage: Usage
) -> None:
    fake_freepik.queue_fault(Fault.malformed())

    with pytest.raises(FreepikMalformedResponseError, match="not valid JSON"):
        usage.generate(client, make_spec())

    assert len(fake_freepik.api_requests) == 1
    assert fake_time.sleeps == []
    (call,) = usage.calls
    # Freepik accepted (2xx) and so billed the call, though we could not read it
    assert (call.status, call.billable, call.images) == (200, True, 0)
    assert call.error == "response is not valid JSON"


def test_nsfw_flag_fails_the_request_without_images(
    client: FreepikClient, fake_freepik: FakeFreepik, usage: Usage
) -> None:
    fake_freepik.flag_nsfw()

    with pytest.raises(FreepikNsfwContentError, match="flagged as NSFW"):
        usage.generate(client, make_spec())

    assert len(fake_freepik.api_requests) == 1
    (call,) = usage.calls
    assert (call.status, call.billable, call.images) == (200, True, 1)
    assert "NSFW" in call.error


# -- asynchronous task models -----------------------------------------------------


def test_mystic_task_is_polled_and_its_image_downloaded(
    client: FreepikClient, fake_freepik: FakeFreepik, fake_time: FakeTime, usage: Usage
) -> None:
    images = usage.generate(client, make_spec(model="mystic", size_name="social_story_9_16"))

    (task_id,) = fake_freepik.tasks
    (image,) = images
    assert decode(image.data).size == (144, 256)
    assert (image.provider_image_id, image.provider_image_kind) == (task_id, "task")
    assert image.seed is None  # Mystic takes no seed

    create = fake_freepik.api_requests[0]
    assert create.json == {
        "prompt": PROMPT,
        "aspect_ratio": "social_story_9_16",
        "filter_nsfw": True,
        "styling": {
            "colors": [{"color": "#1A73E8", "weight": 0.7}, {"color": "#FBBC04", "weight": 0.3}]
        },
    }
    poll_endpoint = MYSTIC + "/{task_id}"
    assert [(c.method, c.endpoint, c.status) for c in usage.calls] == [
        ("POST", MYSTIC, 200),
        ("GET", poll_endpoint, 200),  # IN_PROGRESS
        ("GET", poll_endpoint, 200),  # COMPLETED
    ]
    assert [c.billable for c in usage.calls] == [True, False, False]
    assert [c.images for c in usage.calls] == [1, 0, 0]
    assert {c.model for c in usage.calls} == {"mystic"}
    assert usage.calls[1].request_parameters == {"task_id": task_id}
    assert fake_time.sleeps == [2.0, 2.0]
    assert usage.asked == [1]
    # the download is no API call: not recorded, and it never carries the key
    (download,) = fake_freepik.file_requests
    assert "x-freepik-api-key" not in download.headers


def test_flux_dev_runs_one_task_per_image(
    client: FreepikClient, fake_freepik: FakeFreepik, usage: Usage
) -> None:
    images = usage.generate(client, make_spec(model="flux-dev", num_images=2))

    assert len(images) == 2
    assert [i.provider_image_id for i in images] == list(fake_freepik.tasks)
    assert len(set(fake_freepik.tasks)) == 2
    assert all(i.seed == 42 for i in images)
    posts = [r for r in fake_freepik.api_requests if r.method == "POST"]
    assert [p.path for p in posts] == [FLUX, FLUX]
    assert posts[0].json["seed"] == 42
    assert usage.asked == [1, 1]


def test_flux_dev_gets_the_nearest_size_it_supports(
    client: FreepikClient, fake_freepik: FakeFreepik, usage: Usage
) -> None:
    usage.generate(client, make_spec(model="flux-dev", size_name="social_5_4"))

    assert fake_freepik.api_requests[0].json["aspect_ratio"] == "classic_4_3"


def test_transient_poll_failure_is_retried(
    client: FreepikClient, fake_freepik: FakeFreepik, fake_time: FakeTime, usage: Usage
) -> None:
    fake_freepik.plan_task(TaskPlan(polls_before_done=0))
    fake_freepik.queue_fault(Fault.error(503), method="GET", path_prefix=MYSTIC + "/")

    images = usage.generate(client, make_spec(model="mystic"))

    assert len(images) == 1
    assert usage.statuses() == [200, 503, 200]
    assert fake_time.sleeps == [2.0, 1.0]  # poll interval, then backoff
    assert [c.billable for c in usage.calls] == [True, False, False]


@pytest.mark.parametrize("final", ["FAILED", "CANCELLED"])
def test_failed_or_cancelled_task_is_an_error(
    client: FreepikClient, fake_freepik: FakeFreepik, usage: Usage, final: str
) -> None:
    fake_freepik.plan_task(TaskPlan(final=final))

    with pytest.raises(FreepikTaskFailedError) as raised:
        usage.generate(client, make_spec(model="mystic"))

    (task_id,) = fake_freepik.tasks
    assert f"task {task_id} ended {final}" in str(raised.value)
    assert fake_freepik.file_requests == []
    assert usage.calls[0].billable is True  # Freepik accepted the task


def test_task_that_never_completes_hits_the_deadline(
    make_client, fake_freepik: FakeFreepik, fake_time: FakeTime, usage: Usage
) -> None:
    client = make_client(task_deadline_s=10, poll_interval_s=2)
    fake_freepik.plan_task(TaskPlan(final=None))

    with pytest.raises(FreepikTaskDeadlineError, match="still IN_PROGRESS after 10s"):
        usage.generate(client, make_spec(model="mystic"))

    polls = [c for c in usage.calls if c.method == "GET"]
    assert len(polls) == 5
    assert sum(fake_time.sleeps) == 10
    assert fake_freepik.file_requests == []


def test_nsfw_task_returns_no_image(
    client: FreepikClient, fake_freepik: FakeFreepik, usage: Usage
) -> None:
    fake_freepik.plan_task(TaskPlan(nsfw=True))

    with pytest.raises(FreepikNsfwContentError):
        usage.generate(client, make_spec(model="mystic"))
    assert fake_freepik.file_requests == []


# -- download policy --------------------------------------------------------------


def test_http_result_url_is_refused_by_default(
    fake_freepik: FakeFreepik, fake_time: FakeTime, http: httpx.Client, usage: Usage
) -> None:
    # production policy: https only, the API's host and Freepik's CDN hosts
    client = FreepikClient(
        fake_freepik.api_key,
        base_url=fake_freepik.base_url,
        http=http,
        sleep=fake_time.sleep,
        clock=fake_time,
    )

    with pytest.raises(FreepikDownloadRefused, match="scheme 'http' is not one of"):
        usage.generate(client, make_spec(model="mystic"))
    assert fake_freepik.file_requests == []


def test_foreign_host_result_url_is_refused(
    make_client, fake_freepik: FakeFreepik, usage: Usage
) -> None:
    client = make_client(allowed_download_schemes=("http", "https"))
    fake_freepik.plan_task(TaskPlan(result_urls=("https://evil.example.com/x.png?token=s3cr3t",)))

    with pytest.raises(FreepikDownloadRefused, match="host 'evil.example.com'") as raised:
        usage.generate(client, make_spec(model="mystic"))
    assert "s3cr3t" not in str(raised.value)  # signed-URL tokens stay out of messages


def test_redirect_from_a_result_url_is_not_followed(
    client: FreepikClient, fake_freepik: FakeFreepik, usage: Usage
) -> None:
    fake_freepik.plan_task(TaskPlan(result_urls=(f"{fake_freepik.base_url}/files/redirect",)))

    with pytest.raises(FreepikDownloadRefused, match="redirect not followed"):
        usage.generate(client, make_spec(model="mystic"))
    assert len(fake_freepik.file_requests) == 1


def test_result_file_over_the_size_cap_is_refused(
    make_client, fake_freepik: FakeFreepik, usage: Usage
) -> None:
    client = make_client(max_download_bytes=100)

    with pytest.raises(FreepikDownloadRefused, match="100-byte cap"):
        usage.generate(client, make_spec(model="mystic"))


def test_transient_download_failure_is_retried_but_not_recorded(
    client: FreepikClient, fake_freepik: FakeFreepik, fake_time: FakeTime, usage: Usage
) -> None:
    fake_freepik.queue_fault(Fault.error(503), path_prefix="/files/")

    images = usage.generate(client, make_spec(model="mystic"))

    assert len(images) == 1
    assert len(fake_freepik.file_requests) == 2
    assert [c.method for c in usage.calls] == ["POST", "GET", "GET"]  # API calls only
    assert fake_time.sleeps == [2.0, 2.0, 1.0]  # two polls, then the download backoff


def test_download_that_keeps_failing_gives_up(
    client: FreepikClient, fake_freepik: FakeFreepik, usage: Usage
) -> None:
    fake_freepik.queue_fault(Fault.error(503), times=10, path_prefix="/files/")

    with pytest.raises(FreepikDownloadError, match="HTTP 503.*gave up after 4 attempts"):
        usage.generate(client, make_spec(model="mystic"))
    assert len(fake_freepik.file_requests) == 4


def test_default_download_policy_allows_only_freepik_https_hosts() -> None:
    policy = DownloadPolicy(hosts=default_download_hosts("https://api.freepik.com"))

    check_url("https://ai-statics.freepik.com/content/out.png?token=x", policy)
    check_url("https://api.freepik.com/files/out.png", policy)
    for url in (
        "http://ai-statics.freepik.com/out.png",
        "https://ai-statics.freepik.com.evil.io/out.png",
        "https://169.254.169.254/latest/meta-data",
        "file:///etc/passwd",
    ):
        with pytest.raises(FreepikDownloadRefused):
            check_url(url, policy)


# -- settings and provider --------------------------------------------------------


def test_settings_require_an_api_key() -> None:
    with pytest.raises(FreepikConfigurationError, match="FREEPIK_API_KEY is not set"):
        FreepikSettings.from_env({"FREEPIK_BASE_URL": "https://api.freepik.com"})


def test_settings_defaults_and_key_kept_out_of_repr() -> None:
    settings = FreepikSettings.from_env({"FREEPIK_API_KEY": "sk-123", "FREEPIK_MODEL": ""})

    assert settings.base_url == "https://api.freepik.com"
    assert settings.api_key_header == "x-freepik-api-key"
    assert settings.model == "classic-fast"
    assert "sk-123" not in repr(settings)


def test_settings_refuse_an_unknown_model() -> None:
    with pytest.raises(FreepikConfigurationError, match="FREEPIK_MODEL='dall-e'"):
        FreepikSettings.from_env({"FREEPIK_API_KEY": "sk-123", "FREEPIK_MODEL": "dall-e"})


def test_provider_uses_configured_host_header_and_model(
    fake_freepik: FakeFreepik, fake_time: FakeTime, http: httpx.Client, usage: Usage
) -> None:
    # the same API under another brand: other host and header name
    fake_freepik.api_key_header = "x-magnific-api-key"
    provider = FreepikProvider.from_env(
        {
            "FREEPIK_API_KEY": fake_freepik.api_key,
            "FREEPIK_BASE_URL": fake_freepik.base_url,
            "FREEPIK_API_KEY_HEADER": "x-magnific-api-key",
            "FREEPIK_MODEL": "mystic",
        },
        http=http,
        sleep=fake_time.sleep,
        clock=fake_time,
        allowed_download_hosts=(fake_freepik.host,),
        allowed_download_schemes=("http",),
    )

    images = usage.generate(provider, make_spec(model=None))

    assert provider.name == "freepik"
    assert images[0].provider_image_kind == "task"
    assert usage.calls[0].endpoint == MYSTIC
    assert fake_freepik.api_requests[0].headers["x-magnific-api-key"] == fake_freepik.api_key
