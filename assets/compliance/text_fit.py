"""Text fit: no drawn word was split to fit its zone, and no text was left out because
its zone is too small for one letter at the template's minimum size.

Read from the render metadata: the renderer keeps words whole and splits (with a
hyphen) only a word wider than its zone at the template's minimum size, and says
which words in ``split_words``. Pixels cannot tell a hyphen the writer typed from
one the renderer added, so an image without that record is not measured.
"""

from assets.compliance.render_info import RenderInfo, drawn_texts
from assets.compliance.results import Measurement, RuleResult, not_measured
from assets.compliance.settings import RuleSettings

RULE = "text_fit"


def text_fit_rule(info: RenderInfo | None, settings: RuleSettings) -> RuleResult:
    weight = settings.weight(RULE)
    left_out = [element for element in info.texts if element.too_small] if info else []
    drawn, reason = drawn_texts(info, "no render metadata, so how text was fitted is unknown")
    if reason and not left_out:
        return not_measured(RULE, weight, reason)
    recorded = [element for element in drawn if element.split_words is not None]
    if not recorded and not left_out:
        return not_measured(RULE, weight, "the render metadata does not record split words")
    missing = tuple(
        Measurement(
            element.name,
            "not drawn",
            "drawn",
            False,
            f"{element.name}: zone too small for one letter at the minimum size: text not drawn",
        )
        for element in left_out
    )
    checks = missing + tuple(
        Measurement(
            element.name,
            len(element.split_words or ()),
            0,
            not element.split_words,
            f"{element.name}: split to fit: {', '.join(element.split_words)}"
            if element.split_words
            else f"{element.name}: every word whole",
        )
        for element in recorded
    )
    failed = [check for check in checks if not check.passed]
    whole = 1 - len(failed) / len(checks)
    return RuleResult(
        rule=RULE,
        value=sum(int(c.value) for c in checks if isinstance(c.value, int)) + len(missing),
        threshold=0,
        weight=weight,
        passed=not failed,
        message="; ".join(c.message for c in failed) if failed else "every drawn word whole",
        progress=whole,
        checks=checks,
    )
