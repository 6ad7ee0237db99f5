"""The shape of the demo's provider traffic: call kinds, failure rates, volumes.

Numbers are plausible for a small brand team using an image API through a
pipeline: Freepik's fast text-to-image answers in seconds, Mystic answers a
task id at once and is polled until done, the local renderer is quick and
free. Freepik fails more (rate limits, outages) than the local renderer.
"""

from dataclasses import dataclass
from datetime import date

from socialpipe.demo.settings import PRICING


@dataclass(frozen=True)
class CallKind:
    provider: str
    endpoint: str
    method: str
    model: str
    price_per_image: float
    median_ms: float  # log-normal response time of a successful call
    sigma: float
    images: tuple[int, ...]  # images asked for per call ...
    image_weights: tuple[float, ...]  # ... and how often
    prompt_tokens: float  # mean prompt length in tokens (0: no prompt)
    failure_rates: tuple[float, float, float, float]  # 429, 500, 503, timeout


def _price(key: str) -> float:
    return float(PRICING[key]["per_image"])


FREEPIK_FAILURES = (0.040, 0.015, 0.015, 0.005)
KINDS: tuple[CallKind, ...] = (
    CallKind(
        "freepik",
        "/v1/ai/text-to-image",
        "POST",
        "classic-fast",
        _price("freepik.classic-fast"),
        4200,
        0.35,
        (1, 2, 4),
        (0.6, 0.3, 0.1),
        60,
        FREEPIK_FAILURES,
    ),
    CallKind(
        "freepik",
        "/v1/ai/mystic",
        "POST",
        "mystic",
        _price("freepik.mystic"),
        380,
        0.30,
        (1,),
        (1.0,),
        70,
        FREEPIK_FAILURES,
    ),
    # status polls: stored under the route, the task id goes in request_parameters,
    # so per-endpoint statistics do not explode into one endpoint per task
    CallKind(
        "freepik",
        "/v1/ai/mystic/{task_id}",
        "GET",
        "mystic",
        0.0,
        140,
        0.40,
        (0,),
        (1.0,),
        0,
        (0.01, 0.004, 0.004, 0.002),
    ),
    CallKind(
        "local",
        "local://render",
        "POST",
        "pillow",
        _price("local.pillow"),
        180,
        0.45,
        (1,),
        (1.0,),
        0,
        (0.0, 0.015, 0.0, 0.003),
    ),
)
TEXT_TO_IMAGE, MYSTIC, MYSTIC_POLL, LOCAL = range(len(KINDS))


@dataclass(frozen=True)
class OrgTraffic:
    weekday_calls: float  # expected calls on a weekday at the end of the window
    early_mix: tuple[float, float, float, float]  # share of each call kind while on Freepik
    late_mix: tuple[float, float, float, float]  # ... and after the switch to local


TRAFFIC = {
    # Northwind moved most rendering from Freepik to the local renderer mid-window
    "northwind-coffee": OrgTraffic(1500, (0.45, 0.12, 0.20, 0.23), (0.20, 0.05, 0.08, 0.67)),
    "lumen-fitness": OrgTraffic(1000, (0.15, 0.03, 0.05, 0.77), (0.15, 0.03, 0.05, 0.77)),
}
# Northwind moved from Freepik to the local renderer this many days before the anchor
LOCAL_SINCE_DAYS = 45


def used_freepik(anchor: date, day: date) -> bool:
    """Whether work done on ``day`` still went to Freepik (history and api_usage agree)."""
    return (anchor - day).days > LOCAL_SINCE_DAYS


WEEKEND_FACTOR = 0.62
# relative traffic per UTC hour: quiet nights, a broad working-day hump
HOUR_WEIGHTS = tuple(
    0.25 + 2.0 * 2.718281828 ** (-(((hour - 14) / 4.5) ** 2)) for hour in range(24)
)
TIMEOUT_MS = 30_000  # the client's timeout: a call with no response waited this long

# Freepik's image.size for each platform's primary placement
FREEPIK_SIZES = {
    "instagram": "square_1_1",
    "facebook": "square_1_1",
    "x": "widescreen_16_9",
    "linkedin": "widescreen_16_9",
    "pinterest": "portrait_2_3",
    "tiktok": "social_story_9_16",
    "youtube": "widescreen_16_9",
}
