"""Workflow definitions (pydantic), matching and auto-approval rules: pure, no database."""

import uuid

import pytest

from assets.approvals.auto_approval import matching_rule
from assets.approvals.workflow import (
    DEFAULT_WORKFLOW,
    Approvers,
    InvalidWorkflow,
    parse_workflow,
    restore,
)
from assets.approvals.workflow_matching import RequestFacts, invalid_workflows, match_workflow
from socialpipe.demo.workflows import demo_workflows, matching_workflow

ANN, BOB = uuid.uuid4(), uuid.uuid4()


def _row(name="Review", steps=None, **more) -> dict:
    return {
        "id": uuid.uuid4(),
        "name": name,
        "steps": steps
        if steps is not None
        else [{"step_number": 1, "name": "Review", "approvers": {"role": "approver"}}],
        "auto_approval_rules": [],
        "applies_to_content_types": [],
        "applies_to_platforms": [],
        "minimum_compliance_score": None,
        **more,
    }


def _facts(content_type="post", platforms=("instagram",), priority=3, score=95.0, statuses=None):
    return RequestFacts(
        content_type,
        tuple(platforms),
        priority,
        (score,) * len(platforms),
        tuple(statuses or ("passed",) * len(platforms)),
    )


def _demo_row(w) -> dict:
    return {
        "id": w.id,
        "name": w.name,
        "steps": [dict(s) for s in w.steps],
        "auto_approval_rules": [dict(r) for r in w.auto_approval_rules],
        "applies_to_content_types": list(w.content_types),
        "applies_to_platforms": list(w.platforms),
        "minimum_compliance_score": w.minimum_compliance_score,
    }


# --- definitions -------------------------------------------------------------------------


def test_every_demo_workflow_is_valid_and_keeps_its_shape():
    for demo in demo_workflows():
        workflow = parse_workflow(_demo_row(demo))
        assert [s.step_number for s in workflow.steps] == list(range(1, len(demo.steps) + 1))
        for parsed, raw in zip(workflow.steps, demo.steps, strict=True):
            assert [str(u) for u in parsed.approvers.user_ids] == raw["approvers"]["user_ids"]
            assert parsed.approvers.role == raw["approvers"]["role"]
            assert parsed.required_approvals == raw["required_approvals"]
            assert str(parsed.escalate_to) == raw["escalate_to"]
        # a round stores the snapshot and rebuilds the same workflow from it
        assert restore(workflow.snapshot()) == workflow


@pytest.mark.parametrize(
    ("shorthand", "ids", "role"),
    [
        ("approver", (), "approver"),
        ([str(ANN), "brand_manager"], (ANN,), "brand_manager"),
        ([str(ANN), str(BOB)], (ANN, BOB), None),
        ({"user_ids": [str(ANN)]}, (ANN,), None),
    ],
)
def test_approvers_accept_ids_and_or_one_role(shorthand, ids, role):
    approvers = Approvers.model_validate(shorthand)
    assert approvers.user_ids == ids and approvers.role == role


@pytest.mark.parametrize(
    ("steps", "field", "words"),
    [
        ([], "steps", "at least 1"),
        (
            [{"step_number": 1, "name": "A", "approvers": {"role": "approver"}, "sla_hours": -1}],
            "steps.0.sla_hours",
            "greater than 0",
        ),
        (
            [{"step_number": 1, "name": "A", "approvers": {"role": "boss"}}],
            "steps.0.approvers.role",
            "'owner'",
        ),
        (
            [{"step_number": 1, "name": "A", "approvers": {"user_ids": []}}],
            "steps.0.approvers",
            "at least one user id or an organization role",
        ),
        (
            [{"step_number": 1, "name": "A", "approvers": ["approver", "admin"]}],
            "steps.0.approvers",
            "at most one organization role",
        ),
        (
            [{"step_number": 1, "name": "A", "approvers": {"user_ids": ["not-a-uuid"]}}],
            "steps.0.approvers.user_ids.0",
            "UUID",
        ),
        (
            [
                {"step_number": 1, "name": "A", "approvers": "approver"},
                {
                    "step_number": 2,
                    "name": "B",
                    "approvers": "owner",
                    "required_approvals": "most",
                },
            ],
            "steps.1.required_approvals",
            '"all"',
        ),
        (
            [{"step_number": 1, "name": "A", "approvers": "approver", "required_approvals": 0}],
            "steps.0.required_approvals",
            "≥ 1",
        ),
        (
            [{"step_number": 1, "name": "A", "approvers": "approver", "required_approvals": True}],
            "steps.0.required_approvals",
            "True",
        ),
        (
            [{"step_number": 1, "name": "A", "approvers": "approver", "escalate_to": "the boss"}],
            "steps.0.escalate_to",
            "user id or one of the roles",
        ),
        (
            [{"step_number": 2, "name": "A", "approvers": "approver"}],
            "steps",
            "numbered 1, 2",
        ),
        (
            [{"step_number": 1, "name": "A", "approvers": "approver", "approver": "typo"}],
            "steps.0.approver",
            "Extra inputs",
        ),
        ([{"step_number": 1, "approvers": "approver"}], "steps.0.name", "Field required"),
    ],
)
def test_an_invalid_workflow_names_the_field_at_fault(steps, field, words):
    with pytest.raises(InvalidWorkflow) as raised:
        parse_workflow(_row("Broken", steps))
    message = str(raised.value)
    assert "'Broken'" in message
    assert f"{field}: " in message and words in message, message


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"min_compliance_score": 101}, "auto_approval_rules.0.min_compliance_score"),
        ({"content_types": ["post"]}, "auto_approval_rules.0.min_compliance_score"),
        ({"min_compliance_score": 90, "max_priority": 9}, "auto_approval_rules.0.max_priority"),
    ],
)
def test_an_invalid_auto_approval_rule_names_its_field(rule, field):
    with pytest.raises(InvalidWorkflow, match=field.replace(".", r"\.")):
        parse_workflow(_row(auto_approval_rules=[rule]))


def test_the_default_workflow_is_one_step_of_organization_admins():
    assert DEFAULT_WORKFLOW.is_default and len(DEFAULT_WORKFLOW.steps) == 1
    (only,) = DEFAULT_WORKFLOW.steps
    assert only.approvers.role == "admin" and only.required_approvals == 1
    assert only.escalate_to == "owner" and only.sla_hours == 48


# --- matching ----------------------------------------------------------------------------


def test_the_most_specific_applicable_workflow_wins():
    everything = _row("Everything")
    ads = _row("Ads", applies_to_content_types=["ad"])
    instagram_ads = _row(
        "Instagram ads", applies_to_content_types=["ad"], applies_to_platforms=["instagram"]
    )
    paid = _row(
        "Paid social",
        applies_to_content_types=["ad"],
        applies_to_platforms=["instagram", "facebook"],
    )
    rows = [everything, ads, paid, instagram_ads]
    assert match_workflow(rows, _facts("ad", ["instagram", "x"])).workflow.name == "Instagram ads"
    assert match_workflow(rows, _facts("ad", ["facebook"])).workflow.name == "Paid social"
    assert match_workflow(rows, _facts("ad", ["x"])).workflow.name == "Ads"
    assert match_workflow(rows, _facts("post", ["x"])).workflow.name == "Everything"


def test_equally_specific_workflows_prefer_the_stricter_then_the_name():
    a = _row("A", applies_to_platforms=["x"], minimum_compliance_score=60)
    b = _row("B", applies_to_platforms=["x"], minimum_compliance_score=80)
    c = _row("C", applies_to_platforms=["x"], minimum_compliance_score=80)
    assert match_workflow([a, c, b], _facts(platforms=["x"])).workflow.name == "B"


def test_without_an_applicable_workflow_the_default_applies():
    match = match_workflow([_row("Stories", applies_to_content_types=["story"])], _facts())
    assert match.workflow == DEFAULT_WORKFLOW
    assert "no workflow applies to post on instagram" in match.reason


def test_an_invalid_matching_workflow_is_not_used_and_nothing_laxer_replaces_it():
    lax = _row("Anything goes")
    broken = _row("Ads", steps=[{"step_number": 1}], applies_to_content_types=["ad"])
    match = match_workflow([lax, broken], _facts("ad"))
    assert match.workflow == DEFAULT_WORKFLOW
    assert "'Ads' is invalid" in match.reason and "steps.0.name" in match.reason
    (problem,) = invalid_workflows([lax, broken])
    assert problem.name == "Ads"


def test_a_score_below_the_workflows_minimum_goes_to_the_admins():
    strict = _row("Strict", minimum_compliance_score=85)
    assert match_workflow([strict], _facts(score=90)).workflow.name == "Strict"
    match = match_workflow([strict], _facts(score=84.5))
    assert match.workflow == DEFAULT_WORKFLOW
    assert "84.5 is below workflow 'Strict'" in match.reason


def test_matching_agrees_with_the_demo_data_story():
    demos = demo_workflows()
    rows = [_demo_row(w) | {"organization": w.organization} for w in demos]
    cases = [
        ("post", ["instagram"]),
        ("ad", ["instagram"]),
        ("ad", ["x", "facebook"]),
        ("ad", ["youtube"]),
        ("story", ["tiktok"]),
    ]
    for slug in ("northwind-coffee", "lumen-fitness"):
        own = [r for r in rows if r["organization"] == slug]
        for content_type, platforms in cases:
            expected = matching_workflow(demos, slug, content_type, platforms).name
            assert match_workflow(own, _facts(content_type, platforms)).workflow.name == expected


# --- auto-approval -----------------------------------------------------------------------

RULES = [
    {
        "min_compliance_score": 90,
        "content_types": ["post"],
        "platforms": ["instagram", "linkedin"],
        "max_priority": 3,
    },
    {"min_compliance_score": 98},
]


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (_facts(), 1),
        (_facts(platforms=["instagram", "linkedin"], score=90), 1),
        (_facts(score=89.99), None),
        (_facts(platforms=["instagram", "x"]), None),  # every platform must be listed
        (_facts("ad"), None),
        (_facts(priority=4), None),
        (_facts(priority=4, score=98), 2),
        (_facts(score=99, statuses=["needs_review"]), None),  # compliance flagged it
        (_facts(score=99, statuses=["passed_with_warnings"]), 1),
        (RequestFacts("post", ("instagram",), 1, ()), None),  # nothing scored
    ],
)
def test_the_first_rule_that_holds_approves(facts, expected):
    workflow = parse_workflow(_row(auto_approval_rules=RULES))
    found = matching_rule(workflow, facts)
    assert (found and found.index) == expected
    if found:
        assert found.description.startswith(f"Auto-approved by rule {expected} of workflow")
        assert (
            found.as_feedback()["min_compliance_score"]
            == RULES[expected - 1]["min_compliance_score"]
        )
