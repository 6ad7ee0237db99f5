"""One request's page: its images with their verdicts and rules, and every variant."""

from pathlib import Path

from socialpipe.gallery import formats
from socialpipe.gallery.common import definition_list, image, page, table_head, verdict_badge
from socialpipe.gallery.links import MediaLinks
from socialpipe.gallery.markup import Markup, el
from socialpipe.gallery.model import (
    Approval,
    Asset,
    RepairAttempt,
    Request,
    Rule,
    StoredMeasurement,
    Variant,
)

INDEX_HREF = "../index.html"


def _result(passed: bool | None) -> Markup:
    if passed is None:
        return el("span", "not measured", class_="unmeasured")
    return el("span", "pass" if passed else "fail", class_="pass" if passed else "fail")


MARKS = {True: ("✓", "pass"), False: ("✗", "fail"), None: ("·", "unmeasured")}


def _check_item(check: StoredMeasurement) -> Markup:
    mark, css = MARKS[check.passed]
    return el("li", f"{mark} {check.message or check.name}", class_=css, data_check=check.name)


def _rule_row(rule: Rule) -> Markup:
    checks = (
        el("ul", [_check_item(c) for c in rule.checks], class_="checks") if rule.checks else None
    )
    return el(
        "tr",
        el("td", rule.name),
        el("td", formats.rule_value(rule.value), class_="num"),
        el("td", formats.rule_value(rule.threshold), class_="num"),
        el("td", formats.rule_value(rule.weight), class_="num"),
        el("td", formats.rule_value(rule.points), class_="num"),
        el("td", _result(rule.passed)),
        el("td", rule.message or "–", checks),
        class_="rule",
        data_rule=rule.name,
        data_passed="none" if rule.passed is None else str(rule.passed).lower(),
    )


def _rule_table(asset: Asset) -> Markup:
    if not asset.rules:
        why = "Not scored yet." if asset.status == "pending" else "No rule details recorded."
        return el("p", why, class_="empty")
    return el(
        "table",
        table_head("rule", "#value", "#threshold", "#weight", "#points", "result", "message"),
        el("tbody", [_rule_row(rule) for rule in asset.rules]),
        class_="rules",
        data_asset_id=asset.id,
    )


def _variant(variant: Variant, links: MediaLinks, page_dir: Path, title: str) -> Markup:
    size = formats.pixels(variant.width, variant.height)
    alt = f"{title} — {variant.placement} {variant.format} {size}"
    caption = el(
        "figcaption",
        el("strong", variant.placement),
        f" · {variant.format} · {size}",
        el("br"),
        f"{formats.file_size(variant.bytes)} · SSIM {formats.ssim(variant.ssim)}",
        f" · {variant.compression}" if variant.compression else None,
        f" · fill {variant.fill_share:.0%}" if variant.fill_share else None,
    )
    return el(
        "figure",
        image(
            links,
            variant.file_path,
            variant.file_url,
            page_dir,
            alt,
            size=(variant.width, variant.height),
        ),
        caption,
        class_="variant",
        data_variant_id=variant.id,
        data_placement=variant.placement,
        data_format=variant.format,
    )


def _attempt(attempt: RepairAttempt, title: str) -> Markup:
    alt = f"{title} — attempt {attempt.number}"
    picture = (
        el("img", src=attempt.thumbnail, alt=alt)
        if attempt.thumbnail
        else el("div", "no thumbnail", class_="missing", role="img", aria_label=alt)
    )
    label = "first render" if attempt.number == 0 else f"attempt {attempt.number}"
    return el(
        "figure",
        picture,
        el(
            "figcaption",
            el("strong", label),
            " · kept" if attempt.kept else None,
            el("br"),
            f"score {formats.score(attempt.score)} · {attempt.status or '–'}",
            el("br"),
            attempt.changed if attempt.number else None,
            " (provider call)" if attempt.number and attempt.provider_call else None,
            el("br") if attempt.number else None,
            f"violations: {', '.join(attempt.violations) or 'none'}",
        ),
        class_="attempt kept" if attempt.kept else "attempt",
        data_attempt=attempt.number,
        data_kept=str(attempt.kept).lower(),
    )


def _attempts(asset: Asset, title: str) -> Markup | None:
    if not asset.attempts:
        return None
    return el(
        "div",
        el("h4", f"Repair attempts ({len(asset.attempts) - 1})"),
        el("p", f"Stopped: {asset.repair_stopped}", class_="muted")
        if asset.repair_stopped
        else None,
        el("div", [_attempt(a, title) for a in asset.attempts], class_="attempts"),
        class_="repair",
    )


def _asset(asset: Asset, request: Request, links: MediaLinks, page_dir: Path) -> Markup:
    alt = f"{request.title} — {asset.platform} {asset.candidate}"
    master = el(
        "figure",
        image(
            links,
            asset.file_path,
            asset.file_url,
            page_dir,
            alt,
            size=(asset.width, asset.height),
            lazy=False,
        ),
        el(
            "figcaption",
            f"{formats.pixels(asset.width, asset.height)} · {formats.file_size(asset.bytes)}",
            f" · {asset.placement}" if asset.placement else None,
        ),
    )
    minimum = asset.minimum_score if asset.minimum_score is not None else request.minimum_score
    verdict = el(
        "div",
        definition_list(
            [
                ("score", formats.score(asset.score)),
                ("enforcement", asset.enforcement_level or request.enforcement_level),
                ("minimum score", formats.score(minimum)),
                ("violations", ", ".join(asset.violations) or "none"),
            ]
        ),
        _rule_table(asset),
        class_="verdict",
    )
    variants = (
        el(
            "div",
            [_variant(v, links, page_dir, request.title) for v in asset.variants],
            class_="variants",
        )
        if asset.variants
        else el("p", _no_variants(asset.status), class_="empty")
    )
    return el(
        "section",
        el(
            "h3",
            f"{asset.platform} · {asset.candidate} ",
            verdict_badge(asset.status, asset.score),
        ),
        el("div", master, verdict, class_="master"),
        _attempts(asset, alt),
        el("h4", f"Variants ({len(asset.variants)})"),
        variants,
        class_="asset",
        id=f"asset-{asset.id}",
        data_asset_id=asset.id,
        data_verdict=asset.status,
    )


def _no_variants(status: str) -> str:
    if status == "pending":
        return "No variants yet: variants are made once the image is scored."
    if status == "rejected":
        return "No variants: rejected images are held back."
    return "No variants yet."


def _approvals(approvals: tuple[Approval, ...]) -> Markup:
    if not approvals:
        return el("p", "No approval rows yet.", class_="empty")
    return el(
        "table",
        table_head("#step", "name", "approver", "status", "decided", "comments"),
        el(
            "tbody",
            [
                el(
                    "tr",
                    el("td", str(a.step), class_="num"),
                    el("td", a.step_name or "–"),
                    el("td", a.approver or "–", f" → {a.delegated_to}" if a.delegated_to else None),
                    el("td", el("span", a.status, class_="tag")),
                    el("td", formats.when(a.decided_at)),
                    el("td", a.comments or ""),
                    class_="approval",
                    data_status=a.status,
                )
                for a in approvals
            ],
        ),
        class_="approvals",
    )


def render_request_page(request: Request, links: MediaLinks, page_dir: Path) -> str:
    """The page of one request; image paths are relative to `page_dir`, where it is written."""
    summary = definition_list(
        [
            ("organization", request.organization),
            (
                "brand",
                f"{request.brand} ({request.enforcement_level} enforcement, "
                f"minimum score {formats.score(request.minimum_score)})",
            ),
            ("content type", request.content_type),
            ("platforms", ", ".join(request.platforms) or "–"),
            ("priority", str(request.priority)),
            ("due", formats.when(request.due_date)),
            ("created", formats.when(request.created_at)),
            ("request id", request.id),
        ]
    )
    texts = [
        el("div", el("strong", label), el("div", text, class_="text"))
        for label, text in (("Description", request.description), ("Brief", request.brief))
        if text
    ]
    images = (
        [_asset(asset, request, links, page_dir) for asset in request.assets]
        if request.assets
        else [el("p", "No images generated for this request yet.", class_="empty no-assets")]
    )
    body = [
        el("nav", el("a", "← all requests", href=INDEX_HREF)),
        el("h1", request.title),
        el(
            "p",
            el("span", request.status, class_="tag", data_status=request.status),
            f" {request.status_reason}" if request.status_reason else None,
        ),
        summary,
        texts,
        el("h2", "Approvals"),
        _approvals(request.approvals),
        el("h2", f"Images ({len(request.assets)}) and variants ({request.variant_count})"),
        images,
    ]
    return page(f"{request.title} — socialpipe gallery", *body)
