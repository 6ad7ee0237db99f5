"""The gallery's front page: totals, then every request grouped by organization, brand and
status, each with a thumbnail per image, its score badge and counts."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from pathlib import Path

from resources.wording import plural
from socialpipe.gallery import formats
from socialpipe.gallery.common import image, page, verdict_badge
from socialpipe.gallery.links import MediaLinks
from socialpipe.gallery.markup import Markup, el
from socialpipe.gallery.model import Asset, Request, Variant, passing_and_scored

# a request's life, in the order a reader follows it (the schema's closed list)
STATUS_ORDER = (
    "draft",
    "submitted",
    "queued",
    "processing",
    "generated",
    "awaiting_approval",
    "changes_requested",
    "approved",
    "rejected",
    "completed",
    "cancelled",
    "failed",
)
THUMBNAILS_PER_CARD = 6


def request_href(request_id: str) -> str:
    return f"requests/{request_id}.html"


@dataclass(frozen=True)
class Totals:
    requests: int
    requests_by_status: dict[str, int]
    images: int
    images_by_verdict: dict[str, int]
    variants: int
    variant_bytes: int

    @property
    def scored(self) -> int:
        return passing_and_scored(self.images_by_verdict)[1]

    @property
    def passing(self) -> int:
        return passing_and_scored(self.images_by_verdict)[0]

    @property
    def pass_rate(self) -> float | None:
        """Share of scored images that passed, with or without warnings."""
        return self.passing / self.scored if self.scored else None


def totals(requests: Sequence[Request]) -> Totals:
    assets = [asset for request in requests for asset in request.assets]
    variants = [v for asset in assets for v in asset.variants]
    return Totals(
        requests=len(requests),
        requests_by_status=dict(Counter(r.status for r in requests).most_common()),
        images=len(assets),
        images_by_verdict=dict(Counter(a.status for a in assets).most_common()),
        variants=len(variants),
        variant_bytes=sum(v.bytes or 0 for v in variants),
    )


def _thumbnail(asset: Asset, request: Request, links: MediaLinks, root: Path) -> Markup:
    # the smallest variant is already a small file; an image without variants shows itself
    shown: Asset | Variant = asset.thumbnail or asset
    return el(
        "a",
        image(
            links,
            shown.file_path,
            shown.file_url,
            root,
            f"{request.title} — {asset.platform} {asset.candidate}",
            size=(shown.width, shown.height),
        ),
        verdict_badge(asset.status, asset.score, with_label=False),
        href=f"{request_href(request.id)}#asset-{asset.id}",
        class_="thumb",
        title=f"{asset.platform} {asset.candidate}: {asset.status}",
    )


def _card(request: Request, links: MediaLinks, root: Path) -> Markup:
    shown = request.assets[:THUMBNAILS_PER_CARD]
    more = len(request.assets) - len(shown)
    approvals = Counter(a.status for a in request.approvals)
    counts = [
        ", ".join(request.platforms) or "no platforms",
        plural(len(request.assets), "image"),
        plural(request.variant_count, "variant"),
    ]
    if approvals:
        counts.append("approvals: " + ", ".join(f"{s} {n}" for s, n in approvals.most_common()))
    return el(
        "article",
        el("a", request.title, href=request_href(request.id), class_="title"),
        el(
            "div",
            [_thumbnail(asset, request, links, root) for asset in shown],
            el("span", f"+{more}", class_="tag") if more > 0 else None,
            class_="thumbs",
        )
        if shown
        else el("p", "no images yet", class_="muted"),
        el("div", " · ".join(counts), class_="muted"),
        class_="card",
        data_request_id=request.id,
        data_status=request.status,
    )


def _status_key(request: Request) -> tuple[int, str]:
    order = STATUS_ORDER.index(request.status) if request.status in STATUS_ORDER else 99
    return order, request.status


def _groups(requests: Sequence[Request], links: MediaLinks, root: Path) -> list[Markup]:
    sections = []
    by_org = groupby(requests, key=lambda r: r.organization)
    for organization, org_requests in by_org:
        sections.append(el("h2", organization))
        for brand, brand_requests in groupby(org_requests, key=lambda r: r.brand):
            sections.append(el("h3", el("span", "brand ", class_="muted"), brand))
            ordered = sorted(brand_requests, key=_status_key)
            for status, status_requests in groupby(ordered, key=lambda r: r.status):
                cards = [_card(r, links, root) for r in status_requests]
                sections.append(el("h4", f"{status} ({len(cards)})"))
                sections.append(el("div", cards, class_="cards"))
    return sections


def _totals_table(total: Totals) -> Markup:
    rate = "–" if total.pass_rate is None else f"{100 * total.pass_rate:.1f}%"
    rows = [
        ("requests", f"{total.requests:,}"),
        ("by status", ", ".join(f"{s} {n}" for s, n in total.requests_by_status.items()) or "–"),
        ("master images", f"{total.images:,}"),
        ("verdicts", ", ".join(f"{s} {n}" for s, n in total.images_by_verdict.items()) or "–"),
        (
            "compliance pass rate (passed or passed with warnings, of scored images)",
            f"{rate} ({total.passing} of {total.scored})",
        ),
        ("variants", f"{total.variants:,} ({formats.file_size(total.variant_bytes)})"),
    ]
    return el(
        "table",
        el("tbody", [el("tr", el("th", label), el("td", value)) for label, value in rows]),
        class_="totals",
    )


def render_index(
    requests: Sequence[Request],
    links: MediaLinks,
    root: Path,
    *,
    built_at: datetime,
    organizations: Sequence[str] | None = None,
) -> str:
    """The index page, written at `root` (image paths are relative to it)."""
    scope = ", ".join(organizations) if organizations else "all organizations"
    body = [
        el("h1", "socialpipe gallery"),
        el("p", f"{scope} · built {formats.when(built_at)}", class_="muted"),
        el(
            "p",
            el("a", "Compliance vs engagement", href="compliance.html"),
            " — does brand "
            "compliance pay? Engagement by compliance band and failed rule, per platform.",
        ),
        _totals_table(totals(requests)),
        _groups(requests, links, root)
        if requests
        else el("p", "No content requests.", class_="empty"),
    ]
    return page("socialpipe gallery", *body)
