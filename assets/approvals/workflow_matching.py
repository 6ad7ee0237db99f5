"""Which workflow a request goes through (README "Approvals"): the organization's most specific.

A workflow applies when the request's content type is among its
`applies_to_content_types` and at least one of the request's platforms among its
`applies_to_platforms` (an empty list matches anything): an ad that also runs on
instagram needs the instagram sign-off. Among those that apply, the most specific
wins: it restricts more of (content type, platform), then lists fewer values, then
has the higher minimum_compliance_score; equal ones are told apart by name.

The winner is used only if it is valid and the request's lowest asset score reaches
its `minimum_compliance_score`. Otherwise — and when nothing applies — the request
goes to the default workflow (organization admins), with the reason recorded: a
broken or missed bar never falls through to a laxer workflow.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assets.approvals.workflow import DEFAULT_WORKFLOW, InvalidWorkflow, Workflow, parse_workflow


@dataclass(frozen=True)
class RequestFacts:
    """What matching and auto-approval look at, for one request and its current assets."""

    content_type: str
    platforms: tuple[str, ...]
    priority: int
    scores: tuple[float, ...]  # each current asset's compliance_score
    validation_statuses: tuple[str, ...] = ()

    @property
    def lowest_score(self) -> float:
        return min(self.scores) if self.scores else 0.0


@dataclass(frozen=True)
class Match:
    workflow: Workflow
    reason: str


def applies(row: Mapping, facts: RequestFacts) -> bool:
    types = row.get("applies_to_content_types") or ()
    platforms = row.get("applies_to_platforms") or ()
    type_ok = not types or facts.content_type in types
    platform_ok = not platforms or any(p in platforms for p in facts.platforms)
    return type_ok and platform_ok


def specificity(row: Mapping) -> tuple:
    types = row.get("applies_to_content_types") or ()
    platforms = row.get("applies_to_platforms") or ()
    minimum = row.get("minimum_compliance_score")
    return (
        bool(types) + bool(platforms),
        -(len(types) + len(platforms)),
        -1.0 if minimum is None else float(minimum),
    )


def match_workflow(rows: Sequence[Mapping], facts: RequestFacts) -> Match:
    """The workflow to use for `facts`, from the organization's approval_workflows rows."""
    candidates = sorted((r for r in rows if applies(r, facts)), key=lambda r: str(r["name"]))
    if not candidates:
        return Match(
            DEFAULT_WORKFLOW,
            f"no workflow applies to {facts.content_type} on {', '.join(facts.platforms)}",
        )
    best = max(candidates, key=specificity)  # max keeps the first of equals: name order
    try:
        workflow = parse_workflow(best)
    except InvalidWorkflow as error:
        return Match(DEFAULT_WORKFLOW, f"{error}; the default workflow applies instead")
    minimum = workflow.minimum_compliance_score
    if minimum is not None and facts.lowest_score < minimum:
        return Match(
            DEFAULT_WORKFLOW,
            f"lowest compliance score {facts.lowest_score:g} is below workflow "
            f"{workflow.name!r}'s minimum {minimum:g}; the default workflow applies instead",
        )
    return Match(workflow, f"most specific workflow that applies: {workflow.name!r}")


def invalid_workflows(rows: Sequence[Mapping]) -> list[InvalidWorkflow]:
    """Every row that does not parse, each with the field at fault."""
    problems = []
    for row in rows:
        try:
            parse_workflow(row)
        except InvalidWorkflow as error:
            problems.append(error)
    return problems
