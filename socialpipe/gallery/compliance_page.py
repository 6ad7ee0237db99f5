"""The "Compliance vs engagement" page (compliance.html): does brand compliance pay?

Per organization and platform, over every complete week pooled: a chart of the bands
and a table of the bands and failed rules; then the stored weekly rows of
compliance_engagement. A group with too few images or impressions says "too few" and
shows no rate difference and no interval, never a number that looks like a finding.
"""

from assets.analytics.compliance_intervals import GroupEstimate
from resources.wording import plural
from socialpipe.gallery.charts import band_chart, percent
from socialpipe.gallery.common import page, table_head
from socialpipe.gallery.compliance_load import CompliancePage, PlatformView
from socialpipe.gallery.markup import Markup, el

TITLE = "Compliance vs engagement"
PAGE_NAME = "compliance.html"

HOW_TO_READ = (
    "Each chart is one platform of one organization, every complete week pooled. A point "
    "is the pooled engagement rate of the images in a compliance band (all their likes, "
    "shares, comments and saves over all their impressions); the dashed line is the "
    "platform's baseline (every scored image). The bar is the 95 % bootstrap interval of "
    "the band's difference to the baseline, drawn around the baseline: green when the "
    "whole bar is above it (the band does better), red when below, grey when it crosses "
    "the baseline (the data cannot tell the band from the rest). A band with fewer "
    "images or impressions than the minimum says too few."
)


def _signed(value: float) -> str:
    return f"{100 * value:+.2f} pts"


def _verdict(group: GroupEstimate) -> str:
    if group.interval is None:
        return "too few"
    if group.interval.low > 0:
        return "better than baseline"
    if group.interval.high < 0:
        return "worse than baseline"
    return "inconclusive"


def _group_row(group: GroupEstimate) -> Markup:
    rate = "–" if group.engagement_rate is None else percent(group.engagement_rate)
    ctr = "–" if group.click_through_rate is None else percent(group.click_through_rate)
    if group.interval is None or group.difference is None:
        # too few: no rate of the group at all, only the counts that say why
        rate = ctr = difference = interval = el("span", "too few", class_="muted too-few")
    else:
        difference = _signed(group.difference)
        interval = f"{_signed(group.interval.low)} to {_signed(group.interval.high)}"
    return el(
        "tr",
        el("td", group.group_name),
        el("td", f"{group.images:,}", class_="num"),
        el("td", f"{group.impressions:,}", class_="num"),
        el("td", rate, class_="num"),
        el("td", ctr, class_="num"),
        el("td", difference, class_="num"),
        el("td", interval, class_="num"),
        el("td", _verdict(group)),
        data_group_kind=group.group_kind,
        data_evidence="too_few" if group.interval is None else "estimated",
    )


def _table(groups: list[GroupEstimate], label: str) -> Markup:
    return el(
        "table",
        table_head(
            label,
            "#images",
            "#impressions",
            "#engagement",
            "#CTR",
            "#difference",
            "#95% interval",
            "reading",
        ),
        el("tbody", [_group_row(g) for g in groups]),
        class_="compliance",
    )


def _platform(view: PlatformView) -> Markup:
    bands = [g for g in view.groups if g.group_kind == "band"]
    rules = [g for g in view.groups if g.group_kind == "failed_rule"]
    title = f"{view.organization} · {view.platform}: engagement by compliance band"
    return el(
        "section",
        el("h3", view.platform),
        el(
            "p",
            f"{plural(view.images, 'image')}, weeks of {view.first_week} to {view.last_week}; "
            "baseline "
            + (
                "–"
                if not view.groups or view.groups[0].baseline_engagement_rate is None
                else percent(view.groups[0].baseline_engagement_rate)
            ),
            class_="muted",
        ),
        band_chart(view.groups, title),
        _table(bands, "band"),
        el("h4", "images that failed a rule")
        if rules
        else el("p", "No image failed a rule.", class_="muted"),
        _table(rules, "failed rule") if rules else None,
        class_="platform",
        data_platform=view.platform,
    )


def _weeks(rows: list[dict]) -> Markup:
    if not rows:
        return el(
            "p", "No weekly rows yet (the model writes a week once it is over).", class_="empty"
        )
    body = []
    for row in rows:
        if row["evidence"] == "too_few":
            difference = interval = el("span", "too few", class_="muted too-few")
        else:
            difference = _signed(float(row["engagement_rate_difference"]))
            interval = (
                "–"
                if row["difference_low"] is None
                else f"{_signed(float(row['difference_low']))} to "
                f"{_signed(float(row['difference_high']))}"
            )
        body.append(
            el(
                "tr",
                el("td", row["organization"]),
                el("td", row["platform"]),
                el("td", str(row["week_start"])),
                el("td", row["group_name"]),
                el("td", f"{row['images']:,}", class_="num"),
                el("td", difference, class_="num"),
                el("td", interval, class_="num"),
                data_evidence=row["evidence"],
            )
        )
    return el(
        "table",
        table_head(
            "organization", "platform", "week", "band", "#images", "#difference", "#95% interval"
        ),
        el("tbody", body),
        class_="weeks",
    )


def render_compliance_page(data: CompliancePage) -> str:
    body: list[object] = [
        el("p", el("a", "← gallery", href="index.html")),
        el("h1", TITLE),
        el("p", HOW_TO_READ),
        el(
            "p",
            f"Minimum for an estimate: {data.minimum.images} images and "
            f"{data.minimum.impressions:,} impressions (setting analytics/"
            "compliance_engagement.minimum). Intervals: 2000 seeded bootstrap resamples of "
            "the images.",
            class_="muted",
        ),
    ]
    organization = None
    for view in data.platforms:
        if view.organization != organization:
            organization = view.organization
            body.append(el("h2", organization))
        body.append(_platform(view))
    if not data.platforms:
        body.append(el("p", "No scored image has engagement yet.", class_="empty"))
    body += [el("h2", "Week by week (table compliance_engagement)"), _weeks(data.weeks)]
    return page(TITLE, *body)
