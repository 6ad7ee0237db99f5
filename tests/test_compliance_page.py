"""The gallery's "Compliance vs engagement" page: a group with too few images or
impressions is never shown as a number (no rate, no difference, no interval, no point
on the chart), an estimate is shown with its interval, and the page renders in Debian's
headless chromium without a console error, its charts drawn (chromium is installed by
the project's own scripts/install_chromium.sh when it is missing)."""

import subprocess
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from assets.analytics.bootstrap import Interval
from assets.analytics.compliance_intervals import GroupEstimate, Minimum
from socialpipe.gallery.compliance_load import CompliancePage, PlatformView
from socialpipe.gallery.compliance_page import render_compliance_page
from tests.debian_tools import ensure_command

GREEN = (0x1A, 0x7F, 0x37)


def group(group_kind: str, name: str, images: int, interval: Interval | None) -> GroupEstimate:
    return GroupEstimate(group_kind, name, images, images * 1000, 0.0523, 0.0101, 0.0480, interval)


def sample_page() -> CompliancePage:
    clear = Interval(0.0021, 0.0074, 2000)  # above the baseline: the band does better
    unclear = Interval(-0.0030, 0.0025, 2000)  # crosses it: cannot tell
    views = [
        PlatformView(
            "Northwind Coffee",
            "instagram",
            90,
            date(2026, 9, 7),
            date(2026, 11, 30),
            [
                group("band", "<70", 3, None),
                group("band", "70-90", 50, unclear),
                group("band", ">=90", 37, clear),
                group("failed_rule", "text_contrast", 4, None),
                group("failed_rule", "palette_adherence", 30, unclear),
            ],
        ),
        PlatformView(
            "Northwind Coffee",
            "linkedin",
            12,
            date(2026, 9, 7),
            date(2026, 11, 30),
            [group("band", "70-90", 8, None), group("band", ">=90", 4, None)],
        ),
    ]
    weeks = [
        {
            "organization": "Northwind Coffee",
            "platform": "instagram",
            "week_start": date(2026, 11, 30),
            "group_name": ">=90",
            "images": 5,
            "evidence": "too_few",
            "engagement_rate_difference": None,
            "difference_low": None,
            "difference_high": None,
        }
    ]
    return CompliancePage(Minimum(20, 5000), views, weeks)


class Cells(HTMLParser):
    """Every table row's cells as text, with the row's data-evidence; every chart's
    circles and "too few" labels."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str | None, list[str]]] = []
        self.charts: list[dict[str, int]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "tr":
            self.rows.append((attributes.get("data-evidence"), []))
        elif tag == "td":
            self._cell = []
        elif tag == "svg":
            self.charts.append({"circle": 0, "interval": 0, "too few": 0})
        elif tag == "circle":
            self.charts[-1]["circle"] += 1
        elif tag == "line" and attributes.get("class") == "interval":
            self.charts[-1]["interval"] += 1
        elif tag == "text" and attributes.get("class") == "too-few":
            self.charts[-1]["too few"] += 1

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.rows[-1][1].append("".join(self._cell).strip())
            self._cell = None


def parsed(html: str) -> Cells:
    cells = Cells()
    cells.feed(html)
    return cells


def test_too_few_groups_are_never_shown_as_numbers() -> None:
    cells = parsed(render_compliance_page(sample_page()))
    too_few = [row for evidence, row in cells.rows if evidence == "too_few"]
    assert len(too_few) == 5  # <70, text_contrast, linkedin's two bands, one week
    for row in too_few:
        # the name, the counts (and the week) that say why; no rate, difference or
        # interval: every such cell reads "too few"
        assert not any("%" in cell or "pts" in cell for cell in row), row
        assert row.count("too few") >= 2, row
    # the charts: instagram has two estimates with intervals and one "too few" band,
    # linkedin none at all
    assert cells.charts == [
        {"circle": 2, "interval": 2, "too few": 1},
        {"circle": 0, "interval": 0, "too few": 2},
    ]


def test_estimates_are_shown_with_their_interval_and_reading() -> None:
    cells = parsed(render_compliance_page(sample_page()))
    estimated = {row[0]: row for evidence, row in cells.rows if evidence == "estimated"}
    assert estimated[">=90"][5:] == ["+0.43 pts", "+0.21 pts to +0.74 pts", "better than baseline"]
    assert estimated["70-90"][-1] == "inconclusive"
    assert estimated["palette_adherence"][-1] == "inconclusive"


@pytest.fixture(scope="module")
def chromium() -> str:
    """Debian's chromium, installed by the project's script when missing (as root)."""
    return ensure_command("chromium", "chromium", "fonts-dejavu-core")


def test_the_page_renders_in_headless_chromium_without_errors(
    tmp_path: Path, chromium: str
) -> None:
    page = tmp_path / "compliance.html"
    page.write_text(render_compliance_page(sample_page()), encoding="utf-8")
    shot = tmp_path / "shot.png"
    common = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    run = subprocess.run(
        [*common, "--enable-logging=stderr", "--v=0", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []
    # the browser's own DOM: both charts parsed as SVG with their shapes
    dom = parsed(run.stdout)
    assert [chart["circle"] for chart in dom.charts] == [2, 0]
    shooting = subprocess.run(
        [*common, "--window-size=1100,1400", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert shooting.returncode == 0 and shot.is_file()
    # the clear band's interval is drawn in green: the chart was painted, not just parsed
    pixels = np.asarray(Image.open(shot).convert("RGB"))
    assert int((pixels == GREEN).all(axis=2).sum()) > 20
