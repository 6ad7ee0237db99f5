"""Crop planning: which part of the source becomes each placement (pure arithmetic).

A frame is a rectangle in source pixels with the placement's aspect ratio. The
template's text and logo zones must end up inside the frame and outside the
placement's UI overlay areas (docs/PLACEMENTS.md): its bands along the edges
(stories: 250 px top and bottom; TikTok on all four sides) and its corner boxes
(YouTube's duration badge). A corner box that a zone would land in is kept clear
as a band along one of its two sides, whichever costs least.

- ``cover``: the largest frame inside the source that holds every zone.
- ``extend`` (default when no cover frame holds them all): the frame that holds
  every zone with the least area outside the source; that band is filled from
  the image's edges. Brand elements stay whole — the loss is fill, recorded.
- ``cover_cut`` (``misfit="crop"``): a cover frame placed to cut the least
  (weighted) zone area; what was cut is recorded per zone.
- No zones: a cover frame centred on a focus point (content-aware) or the centre.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import product

EPS = 1e-6
# a cut logo or headline costs more than a cut line of body text
ZONE_WEIGHTS = {"logo": 4.0, "headline": 4.0, "cta": 2.0, "subheadline": 2.0}
MISFIT_POLICIES = ("extend", "crop")
SEARCH_STEPS = 96
MARGIN = 0.04


@dataclass(frozen=True)
class Zone:
    name: str
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def scaled(self, sx: float, sy: float) -> "Zone":
        return Zone(self.name, self.x * sx, self.y * sy, self.width * sx, self.height * sy)


@dataclass(frozen=True)
class Insets:
    """UI overlay bands of the placement, in output pixels."""

    top: int = 0
    bottom: int = 0
    left: int = 0
    right: int = 0

    @classmethod
    def of(cls, bands: dict[str, int] | None) -> "Insets":
        return cls(**{side: int(v) for side, v in (bands or {}).items()})


@dataclass(frozen=True)
class Corner:
    """A UI overlay box in a corner of the output ("bottom_right"), in output pixels."""

    name: str
    corner: str
    width: int
    height: int

    def box(self, out_w: int, out_h: int) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) in output pixels."""
        x = out_w - self.width if self.corner.endswith("right") else 0
        y = out_h - self.height if self.corner.startswith("bottom") else 0
        return (x, y, x + self.width, y + self.height)

    def as_bands(self) -> tuple[dict[str, int], dict[str, int]]:
        """The two bands that keep the box clear: along its vertical side, or its horizontal."""
        vertical, horizontal = self.corner.split("_")
        return {horizontal: self.width}, {vertical: self.height}


@dataclass(frozen=True)
class Frame:
    x: float
    y: float
    width: float
    height: float
    strategy: str
    zones_kept: tuple[str, ...] = ()
    zones_cut: dict[str, float] = field(default_factory=dict)
    fill_fraction: float = 0.0
    corners_cleared: tuple[str, ...] = ()  # corner boxes kept clear as bands

    def inside(self, source_w: float, source_h: float) -> bool:
        return (
            self.x >= -EPS
            and self.y >= -EPS
            and self.x + self.width <= source_w + EPS * max(1, source_w)
            and self.y + self.height <= source_h + EPS * max(1, source_h)
        )

    def to_output(self, zone: Zone, out_w: int) -> Zone:
        """``zone`` in the output's pixels."""
        s = out_w / self.width
        return Zone(
            zone.name, (zone.x - self.x) * s, (zone.y - self.y) * s, zone.width * s, zone.height * s
        )

    def as_dict(self) -> dict:
        return {
            "strategy": self.strategy,
            # to 1/10000 px: the reference a check makes from it must land where the render did
            "box": {k: round(getattr(self, k), 4) for k in ("x", "y", "width", "height")},
            "zones_kept": list(self.zones_kept),
            "zones_cut": {k: round(v, 4) for k, v in self.zones_cut.items()},
            "fill_fraction": round(self.fill_fraction, 4),
            **({"corners_cleared": list(self.corners_cleared)} if self.corners_cleared else {}),
        }


def cover_size(source_w: float, source_h: float, aspect: float) -> tuple[float, float]:
    """The largest frame of ``aspect`` (width / height) inside the source."""
    if source_w / source_h >= aspect:
        return source_h * aspect, source_h
    return source_w, source_w / aspect


def plan_frame(
    source: tuple[float, float],
    target: tuple[int, int],
    zones: Sequence[Zone] = (),
    insets: Insets = Insets(),
    *,
    corners: Sequence[Corner] = (),
    misfit: str = "extend",
    focus: tuple[float, float] | None = None,
    focus_label: str = "attention",
    margin: float = MARGIN,
) -> Frame:
    """The frame for a ``target`` (width, height) placement of a ``source`` (width, height).

    Zones keep ``margin`` (a fraction of the source's shorter side, at most the room they
    have in the source itself) from the frame's edges, so that text never touches them,
    and stay out of the ``insets`` bands and the ``corners`` boxes.
    """
    plan = {"misfit": misfit, "focus": focus, "focus_label": focus_label, "margin": margin}
    frame = _plan_within(source, target, zones, insets, **plan)
    if not zones or not corners or _clear(frame, zones, corners, target):
        return frame
    # each box in the way becomes a band along one of its sides: the cheapest choice wins
    best = None
    for choice in product(*(corner.as_bands() for corner in corners)):
        bands = {side: getattr(insets, side) for side in ("top", "bottom", "left", "right")}
        for band in choice:
            for side, pixels in band.items():
                bands[side] = max(bands[side], pixels)
        widened = Insets(**bands)
        if widened.left + widened.right >= target[0] or widened.top + widened.bottom >= target[1]:
            continue
        candidate = _plan_within(source, target, zones, widened, **plan)
        cut = sum(ZONE_WEIGHTS.get(name, 1.0) * v for name, v in candidate.zones_cut.items())
        rank = (round(cut, 9), round(candidate.fill_fraction, 9), -candidate.width)
        if best is None or rank < best[0]:
            best = (rank, candidate)
    if best is None:
        return frame
    return replace(best[1], corners_cleared=tuple(c.name for c in corners))


def _clear(frame: Frame, zones: Sequence[Zone], corners: Sequence[Corner], target) -> bool:
    """No kept zone reaches into a corner box, in output pixels."""
    for zone in zones:
        out = frame.to_output(zone, target[0])
        for corner in corners:
            if _overlap(out, corner.box(*target)) > EPS:
                return False
    return True


def _plan_within(
    source: tuple[float, float],
    target: tuple[int, int],
    zones: Sequence[Zone],
    insets: Insets,
    *,
    misfit: str,
    focus: tuple[float, float] | None,
    focus_label: str,
    margin: float,
) -> Frame:
    if misfit not in MISFIT_POLICIES:
        raise ValueError(f"misfit must be one of {MISFIT_POLICIES}, got {misfit!r}")
    sw, sh = source
    out_w, out_h = target
    fl, fr, ft, fb = (
        insets.left / out_w,
        insets.right / out_w,
        insets.top / out_h,
        insets.bottom / out_h,
    )
    if fl + fr >= 1 or ft + fb >= 1:
        raise ValueError(f"overlay bands {insets} leave nothing of {out_w}x{out_h}")
    aspect = out_w / out_h
    cw, ch = cover_size(sw, sh, aspect)
    if not zones:
        cx, cy = focus if focus is not None else (sw / 2, sh / 2)
        x, y = _clamp(cx - cw / 2, 0, sw - cw), _clamp(cy - ch / 2, 0, sh - ch)
        return Frame(x, y, cw, ch, focus_label if focus is not None else "centre")
    names = tuple(z.name for z in zones)
    ux0, uy0 = min(z.x for z in zones), min(z.y for z in zones)
    ux1, uy1 = max(z.right for z in zones), max(z.bottom for z in zones)
    room = max(0.0, min(margin * min(sw, sh), ux0, uy0, sw - ux1, sh - uy1))
    ux0, uy0, ux1, uy1 = ux0 - room, uy0 - room, ux1 + room, uy1 + room
    axes = ((ux0, ux1, fl, fr, sw), (uy0, uy1, ft, fb, sh))
    xlo, xhi, xpref = _range(ux0, ux1, fl, fr, cw)
    ylo, yhi, ypref = _range(uy0, uy1, ft, fb, ch)
    xlo, xhi, ylo, yhi = max(xlo, 0), min(xhi, sw - cw), max(ylo, 0), min(yhi, sh - ch)
    if xlo <= xhi + EPS and ylo <= yhi + EPS:
        x, y = _clamp(xpref, xlo, max(xlo, xhi)), _clamp(ypref, ylo, max(ylo, yhi))
        return Frame(x, y, cw, ch, "cover", zones_kept=names)
    if misfit == "crop":
        return _least_cut(zones, (sw, sh), (cw, ch), (fl, fr, ft, fb), (xpref, ypref))
    return _least_fill(zones, aspect, axes, cw)


def _range(lo0: float, hi0: float, near: float, far: float, extent: float):
    """On one axis, for a frame side of ``extent`` whose safe part excludes the ``near`` and
    ``far`` fractions: the lowest and highest positions keeping [lo0, hi0] in the safe part,
    and the position centring it there."""
    centred = (lo0 + hi0) / 2 - extent * (1 + near - far) / 2
    return hi0 - extent * (1 - far), lo0 - extent * near, centred


def _least_fill(zones, aspect, axes, cover_w) -> Frame:
    """The frame holding every zone whose area outside the source is smallest."""
    (ux0, ux1, fl, fr, sw), (uy0, uy1, ft, fb, sh) = axes
    smallest = max((ux1 - ux0) / (1 - fl - fr), (uy1 - uy0) * aspect / (1 - ft - fb), EPS)
    largest = 2 * max(smallest, cover_w)
    steps = [smallest * (largest / smallest) ** (i / SEARCH_STEPS) for i in range(SEARCH_STEPS)]
    best = None
    for width in sorted({smallest, max(smallest, cover_w), *steps}):
        height = width / aspect
        x, ox = _place(ux0, ux1, fl, fr, sw, width)
        y, oy = _place(uy0, uy1, ft, fb, sh, height)
        fill = max(0.0, 1 - (ox * oy) / (width * height))
        # ties: the frame nearest the cover size cuts and rescales the least
        rank = (round(fill, 9), abs(width - cover_w))
        if best is None or rank < best[0]:
            best = (rank, (x, y, width, height, fill))
    x, y, width, height, fill = best[1]
    # a smaller frame may fit inside the source after all (zones clear of the bands): a cover
    strategy = "extend" if fill > EPS else "cover"
    names = tuple(z.name for z in zones)
    return Frame(x, y, width, height, strategy, names, fill_fraction=fill if fill > EPS else 0.0)


def _place(lo0, hi0, near, far, source, extent) -> tuple[float, float]:
    """Frame position on one axis keeping [lo0, hi0] in its safe part; and its overlap."""
    lo, hi, preferred = _range(lo0, hi0, near, far, extent)
    ideal_lo, ideal_hi = min(0.0, source - extent), max(0.0, source - extent)
    if extent > source:
        preferred = (source - extent) / 2  # the source centred: even bands
    a, b = max(lo, ideal_lo), min(hi, ideal_hi)
    position = _clamp(preferred, a, b) if a <= b else (b if hi < ideal_lo else a)
    position = _clamp(position, lo, max(lo, hi))
    overlap = max(0.0, min(position + extent, source) - max(position, 0.0))
    return position, overlap


def _least_cut(zones, source, cover, fractions, preferred) -> Frame:
    """A cover frame cutting the least weighted zone area (misfit="crop")."""
    (sw, sh), (cw, ch), (fl, fr, ft, fb) = source, cover, fractions
    xs = {0.0, sw - cw, preferred[0]} | {z.x - fl * cw for z in zones}
    xs |= {z.right - cw * (1 - fr) for z in zones}
    ys = {0.0, sh - ch, preferred[1]} | {z.y - ft * ch for z in zones}
    ys |= {z.bottom - ch * (1 - fb) for z in zones}
    best = None
    for x in {_clamp(v, 0, sw - cw) for v in xs}:
        for y in {_clamp(v, 0, sh - ch) for v in ys}:
            safe = (x + fl * cw, y + ft * ch, x + cw * (1 - fr), y + ch * (1 - fb))
            cut = {z.name: 1 - _overlap(z, safe) / (z.width * z.height) for z in zones}
            loss = sum(ZONE_WEIGHTS.get(name, 1.0) * value for name, value in cut.items())
            rank = (round(loss, 9), abs(x - preferred[0]) + abs(y - preferred[1]))
            if best is None or rank < best[0]:
                best = (rank, x, y, cut)
    _, x, y, cut = best
    kept = tuple(n for n, v in cut.items() if v <= EPS)
    lost = {n: v for n, v in cut.items() if v > EPS}
    return Frame(x, y, cw, ch, "cover_cut", zones_kept=kept, zones_cut=lost)


def _overlap(zone: Zone, box: tuple[float, float, float, float]) -> float:
    w = min(zone.right, box[2]) - max(zone.x, box[0])
    h = min(zone.bottom, box[3]) - max(zone.y, box[1])
    return max(0.0, w) * max(0.0, h)


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)
