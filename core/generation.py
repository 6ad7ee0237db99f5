"""What an image provider is asked for and what it gives back (no Dagster, no I/O)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, Protocol


@dataclass(frozen=True)
class PaletteColor:
    hex: str  # "#RRGGBB"
    weight: float = 1.0


@dataclass(frozen=True)
class ImageSpec:
    """One generation call: the background for a request on one platform."""

    prompt: str
    width: int
    height: int
    # Freepik's image.size name closest to width x height (e.g. "square_1_1")
    size_name: str
    seed: int
    num_images: int = 1
    negative_prompt: str | None = None
    palette: tuple[PaletteColor, ...] = ()
    style: str | None = None
    model: str | None = None
    guidance_scale: float | None = None


@dataclass(frozen=True)
class GeneratedImage:
    data: bytes  # an encoded image (PNG or JPEG)
    seed: int | None = None
    provider_image_id: str | None = None
    provider_image_kind: Literal["task", "resource"] | None = None
    has_nsfw: bool = False


@dataclass(frozen=True)
class ApiCall:
    """One HTTP call (or one local render) as api_usage records it."""

    provider: str
    endpoint: str
    method: str
    status: int | None  # None when no response arrived (timeout, dropped connection)
    latency_ms: int
    request_parameters: dict = field(default_factory=dict)  # secrets removed
    images: int = 0
    billable: bool = False
    model: str | None = None
    tokens: int = 0
    error: str | None = None


# Called once per call, success or failure, so every call is accounted.
CallRecorder = Callable[[ApiCall], None]
# Called before every billable call with the images it may produce; raises to stop it.
BudgetGuard = Callable[[int], None]


class ImageProvider(Protocol):
    name: str
    default_model: str  # what a spec without a model is generated with; prices key on it

    def generate(
        self, spec: ImageSpec, *, on_call: CallRecorder, before_billable_call: BudgetGuard
    ) -> list[GeneratedImage]: ...


class GenerationError(Exception):
    """A request's generation failed for a reason its requester should read."""


class BudgetExceededError(GenerationError):
    pass
