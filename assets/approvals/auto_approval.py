"""Auto-approval: a workflow's `auto_approval_rules` may approve a request at once.

Rules are tried in their order; the first that holds approves. A rule holds when
every current asset scores at least `min_compliance_score`, the content type is
among `content_types`, every target platform among `platforms` (empty lists: any),
and the priority is at most `max_priority`. An asset compliance flagged
(`needs_review`, `rejected`, or not yet validated) is never auto-approved: a person
looks at it.
"""

from dataclasses import dataclass

from assets.approvals.workflow import AutoApprovalRule, Workflow
from assets.approvals.workflow_matching import RequestFacts

AUTO_APPROVABLE = frozenset({"passed", "passed_with_warnings"})


@dataclass(frozen=True)
class RuleMatch:
    index: int  # 1-based position in auto_approval_rules
    rule: AutoApprovalRule
    description: str

    def as_feedback(self) -> dict:
        return {"index": self.index, **self.rule.model_dump(mode="json")}


def rule_holds(rule: AutoApprovalRule, facts: RequestFacts) -> bool:
    return (
        bool(facts.scores)
        and facts.lowest_score >= rule.min_compliance_score
        and (not rule.content_types or facts.content_type in rule.content_types)
        and (not rule.platforms or all(p in rule.platforms for p in facts.platforms))
        and (rule.max_priority is None or facts.priority <= rule.max_priority)
        and all(status in AUTO_APPROVABLE for status in facts.validation_statuses)
    )


def describe(index: int, rule: AutoApprovalRule, workflow: Workflow, facts: RequestFacts) -> str:
    parts = [f"every asset scores ≥ {rule.min_compliance_score:g} (lowest {facts.lowest_score:g})"]
    if rule.content_types:
        parts.append(f"content type {facts.content_type} in {', '.join(rule.content_types)}")
    if rule.platforms:
        parts.append(f"platforms {', '.join(facts.platforms)} in {', '.join(rule.platforms)}")
    if rule.max_priority is not None:
        parts.append(f"priority {facts.priority} ≤ {rule.max_priority}")
    return f"Auto-approved by rule {index} of workflow {workflow.name!r}: " + "; ".join(parts)


def matching_rule(workflow: Workflow, facts: RequestFacts) -> RuleMatch | None:
    """The first of the workflow's rules that approves `facts`, if any."""
    for index, rule in enumerate(workflow.auto_approval_rules, start=1):
        if rule_holds(rule, facts):
            return RuleMatch(index, rule, describe(index, rule, workflow, facts))
    return None
