"""A small static SVG chart of one platform's compliance bands: the pooled engagement
rate of each band (x) with its 95 % interval (y), the platform baseline as a dashed
line. No script, no library: shapes and text, escaped like every other element."""

from collections.abc import Sequence

from assets.analytics.compliance_intervals import BANDS, GroupEstimate
from socialpipe.gallery.markup import Markup, el

WIDTH, HEIGHT = 340, 210
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 14, 34


def percent(rate: float) -> str:
    return f"{100 * rate:.2f}%"


def _top(bands: Sequence[GroupEstimate], baseline: float) -> float:
    highs = [baseline]
    for band in bands:
        if band.engagement_rate is not None:
            highs.append(band.engagement_rate)
        if band.interval is not None:
            highs.append(baseline + band.interval.high)
    return max(highs) * 1.15 or 0.01


def band_chart(groups: Sequence[GroupEstimate], title: str) -> Markup:
    """Bands on x, pooled rate on y: a point with its interval where there is an
    estimate, the words "too few" (never a point) where there is not."""
    bands = {g.group_name: g for g in groups if g.group_kind == "band"}
    baseline = next((g.baseline_engagement_rate for g in groups), None) or 0.0
    top = _top(list(bands.values()), baseline)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(rate: float) -> float:
        return round(TOP + plot_h * (1 - max(0.0, rate) / top), 1)

    parts: list[Markup] = [
        el("title", title),
        el("rect", x=LEFT, y=TOP, width=plot_w, height=plot_h, fill="#fff", stroke="#d0d7de"),
    ]
    for tick in (0.0, top / 2, top / 1.15):
        parts.append(
            el(
                "text",
                percent(tick),
                x=LEFT - 4,
                y=y(tick) + 4,
                text_anchor="end",
                font_size=10,
                fill="#57606a",
            )
        )
    parts.append(
        el(
            "line",
            x1=LEFT,
            x2=LEFT + plot_w,
            y1=y(baseline),
            y2=y(baseline),
            stroke="#57606a",
            stroke_dasharray="4 3",
            class_="baseline",
        )
    )
    step = plot_w / len(BANDS)
    for index, name in enumerate(BANDS):
        x = round(LEFT + step * (index + 0.5), 1)
        parts.append(
            el("text", name, x=x, y=HEIGHT - BOTTOM + 16, text_anchor="middle", font_size=11)
        )
        band = bands.get(name)
        if band is None:
            parts.append(
                el(
                    "text",
                    "no images",
                    x=x,
                    y=TOP + plot_h / 2,
                    text_anchor="middle",
                    font_size=10,
                    fill="#57606a",
                )
            )
        elif band.interval is None or band.engagement_rate is None:
            parts.append(
                el(
                    "text",
                    "too few",
                    x=x,
                    y=TOP + plot_h / 2,
                    text_anchor="middle",
                    font_size=10,
                    fill="#57606a",
                    class_="too-few",
                )
            )
        else:
            low, high = baseline + band.interval.low, baseline + band.interval.high
            clear = band.interval.low > 0 or band.interval.high < 0
            colour = "#1a7f37" if band.interval.low > 0 else "#cf222e" if clear else "#6e7781"
            parts.append(
                el(
                    "line",
                    x1=x,
                    x2=x,
                    y1=y(low),
                    y2=y(high),
                    stroke=colour,
                    stroke_width=2,
                    class_="interval",
                )
            )
            for end in (low, high):
                parts.append(el("line", x1=x - 6, x2=x + 6, y1=y(end), y2=y(end), stroke=colour))
            parts.append(
                el("circle", cx=x, cy=y(band.engagement_rate), r=4, fill=colour, class_="estimate")
            )
    parts.append(
        el(
            "text",
            "baseline",
            x=LEFT + plot_w - 2,
            y=y(baseline) - 4,
            text_anchor="end",
            font_size=9,
            fill="#57606a",
        )
    )
    return el(
        "svg",
        parts,
        xmlns="http://www.w3.org/2000/svg",
        width=WIDTH,
        height=HEIGHT,
        viewBox=f"0 0 {WIDTH} {HEIGHT}",
        role="img",
        aria_label=title,
        class_="chart",
    )
