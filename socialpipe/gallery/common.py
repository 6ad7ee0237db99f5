"""Pieces every gallery page shares: the page skeleton, verdict badges, images."""

from pathlib import Path

from socialpipe.gallery import formats
from socialpipe.gallery.links import MediaLinks
from socialpipe.gallery.markup import Markup, el, join
from socialpipe.gallery.style import CSS

VERDICT_LABELS = {
    "passed": "passed",
    "passed_with_warnings": "passed with warnings",
    "needs_review": "needs review",
    "rejected": "rejected",
    "pending": "not scored yet",
}


def page(title: str, *body: object) -> str:
    head = el(
        "head",
        el("meta", charset="utf-8"),
        el("meta", name="viewport", content="width=device-width, initial-scale=1"),
        el("title", title),
        # the stylesheet is ours, not data: inserted as is
        el("style", Markup(CSS)),
    )
    return "<!doctype html>\n" + el("html", head, el("body", *body), lang="en") + "\n"


def verdict_badge(status: str, score: float | None = None, *, with_label: bool = True) -> Markup:
    """A badge coloured by validation_status; `data-verdict` carries the raw value."""
    label = VERDICT_LABELS.get(status, status)
    if with_label:
        text = label if score is None else f"{label} · {formats.score(score)}"
    else:
        text = formats.score(score) if score is not None else "–"
    return el("span", text, class_=f"badge v-{status}", data_verdict=status, title=f"{label}")


def image(
    links: MediaLinks,
    key: str | None,
    file_url: str | None,
    page_dir: Path,
    alt: str,
    *,
    size: tuple[int | None, int | None] = (None, None),
    lazy: bool = True,
) -> Markup:
    """An <img>, or a placeholder saying why there is none (never a broken image)."""
    src = links.src(key, file_url, page_dir)
    if src is None:
        reason = "no file" if not key else "file not reachable from this page"
        return el("div", reason, class_="missing", role="img", aria_label=f"{alt}: {reason}")
    width, height = size
    # the real size lets the browser reserve the box before a lazy image loads
    return el(
        "img",
        src=src,
        alt=alt,
        width=width,
        height=height,
        loading="lazy" if lazy else None,
    )


def definition_list(items: list[tuple[str, object]]) -> Markup:
    return el(
        "dl",
        [join([el("dt", term), el("dd", value)]) for term, value in items if value],
        class_="meta",
    )


def table_head(*names: str) -> Markup:
    """A table head; a name starting with # is a right-aligned number column."""
    return el(
        "thead",
        el("tr", [el("th", n.lstrip("#"), class_="num" if n[0] == "#" else None) for n in names]),
    )
