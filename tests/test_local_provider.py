"""LocalProvider: offline, deterministic, palette-derived backgrounds, every call recorded."""

from io import BytesIO

import numpy as np
import pytest
from PIL import Image

from core.generation import ApiCall, GenerationError, ImageSpec, PaletteColor
from resources.local_provider import LocalProvider

PALETTE = (
    PaletteColor("#3E2723", 3.0),
    PaletteColor("#D7B98E", 2.0),
    PaletteColor("#E07A1F", 1.0),
    PaletteColor("#F5EFE6", 2.0),
    PaletteColor("#212121", 0.5),
)


def spec(**changes) -> ImageSpec:
    values = {
        "prompt": "autumn coffee launch",
        "width": 1080,
        "height": 1080,
        "size_name": "square_1_1",
        "seed": 42,
        "palette": PALETTE,
    }
    return ImageSpec(**{**values, **changes})


def no_budget_check(images: int) -> None:
    raise AssertionError("the local provider is free: no budget check expected")


def generate(image_spec: ImageSpec) -> tuple[list, list[ApiCall]]:
    calls: list[ApiCall] = []
    images = LocalProvider().generate(
        image_spec, on_call=calls.append, before_billable_call=no_budget_check
    )
    return images, calls


def decode(data: bytes) -> Image.Image:
    image = Image.open(BytesIO(data))
    image.load()
    return image


def test_images_have_the_requested_size_and_are_png() -> None:
    images, _ = generate(spec(width=1080, height=1920, num_images=2))
    assert len(images) == 2
    for image in images:
        decoded = decode(image.data)
        assert decoded.format == "PNG" and decoded.mode == "RGB"
        assert decoded.size == (1080, 1920)


def test_same_seed_same_bytes_different_seed_different_image() -> None:
    first, _ = generate(spec(seed=7))
    again, _ = generate(spec(seed=7))
    other, _ = generate(spec(seed=8))
    assert first[0].data == again[0].data
    assert first[0].data != other[0].data
    assert first[0].seed == 7


def test_image_i_of_a_call_is_image_0_of_seed_plus_i() -> None:
    batch, _ = generate(spec(seed=100, num_images=3))
    assert len({image.data for image in batch}) == 3
    assert [image.seed for image in batch] == [100, 101, 102]
    single, _ = generate(spec(seed=102))
    assert batch[2].data == single[0].data


def test_backgrounds_are_made_of_the_brand_palette() -> None:
    palette = np.array([[0x3E, 0x27, 0x23], [0xD7, 0xB9, 0x8E], [0xE0, 0x7A, 0x1F],
                        [0xF5, 0xEF, 0xE6], [0x21, 0x21, 0x21]], dtype=float)  # fmt: skip
    for seed in range(5):
        images, _ = generate(spec(seed=seed))
        pixels = np.asarray(decode(images[0].data), dtype=float).reshape(-1, 3)[::11]
        nearest = np.sqrt(((pixels[:, None] - palette[None]) ** 2).sum(axis=2)).min(axis=1)
        assert (nearest < 40).mean() > 0.9, seed


def test_every_call_is_recorded_as_one_free_api_call() -> None:
    _, calls = generate(spec(num_images=3))
    assert len(calls) == 1
    call = calls[0]
    assert (call.provider, call.endpoint, call.method, call.status) == (
        "local",
        "local://render",
        "POST",
        200,
    )
    assert call.images == 3 and call.billable is False and call.model == "pillow"
    assert call.latency_ms >= 0 and call.error is None
    assert call.request_parameters["seed"] == 42


def test_no_palette_gives_a_neutral_background() -> None:
    images, _ = generate(spec(palette=()))
    assert decode(images[0].data).size == (1080, 1080)


@pytest.mark.parametrize(
    "bad",
    [
        {"width": 0},
        {"height": 20_000},
        {"num_images": 0},
        {"palette": (PaletteColor("#12G"),)},
    ],
)
def test_bad_specs_fail_and_are_recorded(bad: dict) -> None:
    calls: list[ApiCall] = []
    with pytest.raises(GenerationError):
        LocalProvider().generate(
            spec(**bad), on_call=calls.append, before_billable_call=no_budget_check
        )
    assert len(calls) == 1
    assert calls[0].status == 400 and calls[0].images == 0 and calls[0].error


def test_provider_shape() -> None:
    provider = LocalProvider()
    assert provider.name == "local"
    assert callable(provider.generate)
