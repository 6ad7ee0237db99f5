"""Content-aware framing for sources without zones: libvips' ``smartcrop``, on a small copy.

``attention`` centres on the most salient spot (edges, skin tones, saturation);
``entropy`` trims the edge with the least information until the frame fits.
libvips gives the attention point but not the entropy crop's offset, so that
one is found by matching the crop back into the small copy.
"""

import numpy as np
import pyvips

INTERESTING = ("attention", "entropy", "centre")
SIDE = 256  # the small copy's longer side: saliency needs no more


class Focus:
    def __init__(self, image: pyvips.Image, interesting: str = "attention") -> None:
        if interesting not in INTERESTING:
            raise ValueError(f"interesting must be one of {INTERESTING}, got {interesting!r}")
        self.interesting = interesting
        self.width, self.height = image.width, image.height
        self.scale = min(1.0, SIDE / max(image.width, image.height))
        self.small = image.resize(self.scale).copy_memory() if interesting != "centre" else None
        # placements of one shape share their crop on the small copy (three squares, two
        # 9:16, two 1.91:1, two 16:9 among the twelve): one smartcrop (~4 ms) per shape
        self._found: dict[tuple[int, int], tuple[float, float]] = {}

    def centre(self, width: float, height: float) -> tuple[float, float] | None:
        """Where a ``width`` × ``height`` crop of the image (its pixels) should be centred."""
        if self.small is None:
            return None
        if width >= self.width - 1e-6 and height >= self.height - 1e-6:
            # a crop of the whole image has nowhere to move: no saliency to look for
            return self.width / 2, self.height / 2
        small = self.small
        cw = max(1, min(small.width, round(width * self.scale)))
        ch = max(1, min(small.height, round(height * self.scale)))
        if (cw, ch) not in self._found:
            self._found[cw, ch] = self._centre(cw, ch)
        return self._found[cw, ch]

    def _centre(self, cw: int, ch: int) -> tuple[float, float]:
        small = self.small
        crop, found = small.smartcrop(
            cw, ch, interesting=self.interesting, attention_x=True, attention_y=True
        )
        if self.interesting == "attention":
            x, y = found["attention_x"], found["attention_y"]
        else:
            left, top = _offset(small.numpy(), crop.numpy())
            x, y = left + cw / 2, top + ch / 2
        return x / self.scale, y / self.scale


def _offset(whole: np.ndarray, part: np.ndarray) -> tuple[int, int]:
    """Where ``part`` (an exact crop) lies in ``whole``; the most central match wins."""
    height, width = part.shape[:2]
    matches = [
        (left, top)
        for top in range(whole.shape[0] - height + 1)
        for left in range(whole.shape[1] - width + 1)
        if np.array_equal(whole[top : top + height, left : left + width], part)
    ]
    if not matches:
        return (whole.shape[1] - width) // 2, (whole.shape[0] - height) // 2
    centre = ((whole.shape[1] - width) / 2, (whole.shape[0] - height) / 2)
    return min(matches, key=lambda m: abs(m[0] - centre[0]) + abs(m[1] - centre[1]))
