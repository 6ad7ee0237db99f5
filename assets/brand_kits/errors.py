"""Errors that name the brand or template, the field and why it is unusable.

Both subclass ValueError. A bad kit or template fails only the requests that use
it: callers catch these per request and store ``str(error)`` as the reason.
"""

from pydantic import ValidationError


class BrandKitError(ValueError):
    """A brand kit that cannot be used: ``field`` says where, the message says why."""

    def __init__(self, brand: str, field: str, reason: str) -> None:
        self.brand = brand
        self.field = field
        self.reason = reason
        super().__init__(f"brand {brand!r}: {field}: {reason}")


class TemplateError(ValueError):
    """A content template that cannot be used: ``field`` says where, the message says why."""

    def __init__(self, template: str, field: str, reason: str) -> None:
        self.template = template
        self.field = field
        self.reason = reason
        super().__init__(f"template {template!r}: {field}: {reason}")


def first_problem(error: ValidationError, prefix: str) -> tuple[str, str]:
    """(field path, reason) of a pydantic error's first problem, e.g. ``text_zones[1].width``."""
    problem = error.errors(include_url=False)[0]
    path = prefix
    for part in problem["loc"]:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    reason = problem["msg"].removeprefix("Value error, ")
    if problem["type"] != "missing" and "input" in problem:
        reason += f" (got {problem['input']!r:.80})"
    return path, reason
