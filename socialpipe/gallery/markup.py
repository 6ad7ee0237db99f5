"""A tiny HTML builder that escapes by default.

Every string handed to `el` is escaped unless it is already `Markup`, so a title such
as `<script>` can only ever reach a page as text: the same guarantee Jinja2's
autoescape gives, without a template engine to pin.
"""

from collections.abc import Iterable
from html import escape as _escape

VOID = frozenset({"img", "meta", "br", "hr", "link"})


class Markup(str):
    """Text that is already HTML: inserted as is."""

    __slots__ = ()


def escape(value: object) -> Markup:
    """`value` as HTML text (quotes included, so it is safe inside attributes too)."""
    if isinstance(value, Markup):
        return value
    return Markup(_escape(str(value), quote=True))


def _children(children: Iterable[object]) -> list[Markup]:
    parts: list[Markup] = []
    for child in children:
        if child is None or child is False:
            continue
        if isinstance(child, str | int | float):
            parts.append(escape(child))
        else:
            parts.extend(_children(child))  # a list or generator of children
    return parts


def _attributes(attrs: dict[str, object]) -> str:
    rendered = []
    for name, value in attrs.items():
        if value is None or value is False:
            continue
        # class_ → class, data_status → data-status
        attribute = name.rstrip("_").replace("_", "-")
        if value is True:
            rendered.append(f" {attribute}")
        else:
            rendered.append(f' {attribute}="{escape(value)}"')
    return "".join(rendered)


def el(tag: str, *children: object, **attrs: object) -> Markup:
    """`<tag attrs>children</tag>`, with every text child and attribute value escaped."""
    opening = f"<{tag}{_attributes(attrs)}>"
    if tag in VOID:
        return Markup(opening)
    return Markup(opening + "".join(_children(children)) + f"</{tag}>")


def join(children: Iterable[object]) -> Markup:
    """Siblings without a wrapping element."""
    return Markup("".join(_children(children)))
