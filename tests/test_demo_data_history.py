"""The demo's seeded past images are scored by the real scorer: every row's score, status
and rule table agree, checked by a recomputation written here from the rule table alone,
and by scoring the files again."""

from datetime import date

import pytest
from sqlalchemy import text

from assets.compliance.scorer import score
from assets.compliance.settings import DEFAULT_WEIGHTS
from socialpipe.demo import history, requests, settings
from socialpipe.demo.brands import BRANDS
from socialpipe.demo.ids import demo_id

# the verdict of a failure per enforcement level,
# as docs/ENFORCEMENT.md ("Enforcement levels") states it
WHEN_A_RULE_FAILS = {
    "strict": "rejected",
    "moderate": "needs_review",
    "lenient": "passed_with_warnings",
}

HISTORY_ROWS = """
select ga.id, ga.platform, ga.file_path, ga.compliance_score, ga.validation_status,
       ga.compliance_details, bp.name as brand, bp.enforcement_level,
       bp.minimum_compliance_score
from generated_assets ga
join brand_profiles bp on bp.id = ga.brand_profile_id
where ga.id = any(:ids)
order by ga.id
"""


@pytest.fixture(scope="module")
def seeded(demo_world) -> list[dict]:
    with demo_world.engine.connect() as conn:
        # the day stored by the load (an insert that conflicts, then a read; rolled back)
        anchor = settings.history_end_date(conn, date.today())
        ids = [
            demo_id("generated-asset", request.id, platform, "primary")
            for request in requests.demo_requests(anchor)
            if request.has_history
            for platform in request.platforms
        ]
        rows = conn.execute(text(HISTORY_ROWS), {"ids": ids}).mappings().all()
    assert len(rows) == len(ids) > 0
    return [dict(row) for row in rows]


def expected_verdict(row: dict) -> tuple[float, float, str]:
    """The lowest and highest score the rule table allows, and the status it implies.

    A passed rule earns its whole weight, a failed one at most half of it (never less
    than nothing), an unmeasured one is left out of the weighting."""
    rules = [rule for rule in row["compliance_details"]["rules"] if rule["passed"] is not None]
    total = sum(rule["weight"] for rule in rules)
    passed = sum(rule["weight"] for rule in rules if rule["passed"])
    failed = total - passed
    low, high = 100 * passed / total, 100 * (passed + failed / 2) / total
    every_rule_passed = failed == 0
    minimum = float(row["minimum_compliance_score"])
    if every_rule_passed and float(row["compliance_score"]) >= minimum:
        status = "passed"
    else:
        status = WHEN_A_RULE_FAILS[row["enforcement_level"]]
    return low, high, status


def test_every_seeded_row_agrees_with_its_rule_table(seeded) -> None:
    for row in seeded:
        details = row["compliance_details"]
        low, high, status = expected_verdict(row)
        assert low - 0.01 <= float(row["compliance_score"]) <= high + 0.01, row["id"]
        assert row["validation_status"] == status, (row["id"], details["rules"])
        # the columns are the stored result's own
        assert float(row["compliance_score"]) == pytest.approx(details["score"], abs=0.005)
        assert details["status"] == row["validation_status"]
        assert details["minimum_compliance_score"] == float(row["minimum_compliance_score"])
        # the points of the rule table add up to the score
        points = sum(rule.get("points") or 0 for rule in details["rules"])
        assert points == pytest.approx(float(row["compliance_score"]), abs=0.05)


def test_rule_names_and_weights_are_the_real_scorers(seeded) -> None:
    for row in seeded:
        rules = {rule["rule"]: rule["weight"] for rule in row["compliance_details"]["rules"]}
        assert rules == DEFAULT_WEIGHTS


def test_scoring_the_files_again_gives_the_stored_verdicts(seeded, demo_world) -> None:
    kits = {}
    for row in seeded:
        brand = next(b for b in BRANDS if b.name == row["brand"])
        if brand.key not in kits:
            kits[brand.key] = history.brand_kit(demo_world.media, brand, date.today())
        placement = row["compliance_details"]["placement"]
        again = score(demo_world.media / row["file_path"], kits[brand.key], placement)
        assert (again.score, again.status) == (
            pytest.approx(float(row["compliance_score"]), abs=0.005),
            row["validation_status"],
        ), row["id"]


def test_no_request_the_history_approved_has_a_rejected_image(seeded, demo_world) -> None:
    # routing never lets a rejected image reach approval: a history that approved one
    # would show the brand manager something the pipeline could not have done
    with demo_world.engine.connect() as conn:
        approved = set(
            conn.execute(
                text(
                    "select ga.id from generated_assets ga "
                    "join content_approvals ca on ca.content_request_id = ga.content_request_id "
                    "where ga.id = any(:ids) and ca.status in ('approved', 'auto_approved')"
                ),
                {"ids": [row["id"] for row in seeded]},
            ).scalars()
        )
    assert approved
    rejected = [
        (row["brand"], row["platform"], row["compliance_details"]["rules"])
        for row in seeded
        if row["id"] in approved and row["validation_status"] == "rejected"
    ]
    assert rejected == []
