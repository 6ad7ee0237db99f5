"""Freepik's named image sizes and which one fits a placement's pixel size best."""

import math

# name -> (width, height) ratio, as the names spell it
SIZE_RATIOS: dict[str, tuple[int, int]] = {
    "square_1_1": (1, 1),
    "social_story_9_16": (9, 16),
    "social_post_4_5": (4, 5),
    "widescreen_16_9": (16, 9),
    "classic_4_3": (4, 3),
    "traditional_3_4": (3, 4),
    "standard_3_2": (3, 2),
    "portrait_2_3": (2, 3),
    "horizontal_2_1": (2, 1),
    "vertical_1_2": (1, 2),
    "social_5_4": (5, 4),
}

# The async models accept fewer names than the fast endpoint (flux-dev has no 5:4),
# and an unsupported name is a 400, so we fall back to the nearest one they accept.
MODEL_SIZES: dict[str, frozenset[str]] = {
    "classic-fast": frozenset(SIZE_RATIOS),
    "mystic": frozenset(SIZE_RATIOS),
    "flux-dev": frozenset(SIZE_RATIOS) - {"social_5_4"},
}


def size_name_for(width: int, height: int, allowed: frozenset[str] | None = None) -> str:
    """The size name whose aspect ratio is closest to width x height.

    Closeness is measured on log(ratio) so 2:1 and 1:2 are equally far from 1:1.
    """
    if width <= 0 or height <= 0:
        raise ValueError(f"image size must be positive, got {width}x{height}")
    names = sorted(allowed if allowed is not None else SIZE_RATIOS)
    target = math.log(width / height)
    return min(names, key=lambda name: abs(_log_ratio(name) - target))


def size_name_for_model(size_name: str, model: str) -> str:
    """`size_name` if `model` accepts it, else the accepted name nearest in ratio."""
    allowed = MODEL_SIZES.get(model, frozenset(SIZE_RATIOS))
    if size_name in allowed or size_name not in SIZE_RATIOS:
        # unknown names go through unchanged: the API's 400 names them better than we can
        return size_name
    width, height = SIZE_RATIOS[size_name]
    return size_name_for(width, height, allowed)


def _log_ratio(name: str) -> float:
    width, height = SIZE_RATIOS[name]
    return math.log(width / height)
