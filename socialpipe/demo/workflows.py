"""Approval workflows per organization (README "Approvals").

Each organization gets a catch-all one-step "Brand review" and a stricter
two-step sign-off for paid ads on the platforms where they spend money; the
more specific workflow wins for ads there.
"""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import Connection

from resources.sql_files import sql
from socialpipe.demo.catalog import ORGANIZATIONS, members
from socialpipe.demo.db import as_json, insert_rows
from socialpipe.demo.ids import at, demo_id
from socialpipe.demo.tenants import organization_id, user_id

# where each organization runs paid social
AD_PLATFORMS = {
    "northwind-coffee": ("instagram", "facebook"),
    "lumen-fitness": ("instagram", "facebook", "youtube"),
}


@dataclass(frozen=True)
class DemoWorkflow:
    id: UUID
    organization: str  # slug
    name: str
    steps: tuple[dict, ...]
    content_types: tuple[str, ...]  # empty: every content type
    platforms: tuple[str, ...]  # empty: every platform
    auto_approval_rules: tuple[dict, ...]
    minimum_compliance_score: float

    def applies_to(self, content_type: str, platforms: list[str]) -> bool:
        type_ok = not self.content_types or content_type in self.content_types
        # one targeted platform in the list is enough: an ad that also runs on
        # instagram needs the paid sign-off even if it runs elsewhere too
        platform_ok = not self.platforms or any(p in self.platforms for p in platforms)
        return type_ok and platform_ok

    @property
    def specificity(self) -> int:
        return bool(self.content_types) + bool(self.platforms)


def _ids(slug: str, role: str) -> list[str]:
    return [str(user_id(user.username)) for user in members(slug, role)]


def _step(
    number: int,
    name: str,
    role: str,
    user_ids: list[str],
    required: int | str,
    sla_hours: int,
    escalate_to: str,
) -> dict:
    return {
        "step_number": number,
        "name": name,
        "approvers": {"user_ids": user_ids, "role": role},
        "required_approvals": required,
        "sla_hours": sla_hours,
        "escalate_to": escalate_to,
    }


def demo_workflows() -> list[DemoWorkflow]:
    workflows = []
    for org in ORGANIZATIONS:
        slug = org.slug
        owner = str(user_id(org.owner))
        # the tenant's own admin where it has one, else the platform operator
        admin = _ids(slug, "admin")[-1]
        workflows.append(
            DemoWorkflow(
                id=demo_id("workflow", slug, "brand-review"),
                organization=slug,
                name="Brand review",
                steps=(_step(1, "Brand review", "approver", _ids(slug, "approver"), 1, 24, admin),),
                content_types=(),
                platforms=(),
                auto_approval_rules=(
                    {
                        # routine organic posts and stories, where a paid sign-off is not needed
                        "min_compliance_score": 90,
                        "content_types": ["post", "story"],
                        "platforms": ["instagram", "linkedin"],
                        "max_priority": 3,
                    },
                ),
                minimum_compliance_score=75,
            )
        )
        workflows.append(
            DemoWorkflow(
                id=demo_id("workflow", slug, "paid-ads"),
                organization=slug,
                name="Paid ads sign-off",
                steps=(
                    _step(
                        1, "Brand check", "brand_manager", _ids(slug, "brand_manager"), 1, 24, admin
                    ),
                    _step(
                        2,
                        "Legal and budget",
                        "approver",
                        [*_ids(slug, "approver"), owner],
                        "all",
                        48,
                        owner,
                    ),
                ),
                content_types=("ad",),
                platforms=AD_PLATFORMS[slug],
                auto_approval_rules=(),
                minimum_compliance_score=85,
            )
        )
    return workflows


def matching_workflow(
    workflows: list[DemoWorkflow], slug: str, content_type: str, platforms: list[str]
) -> DemoWorkflow:
    """The most specific of the organization's workflows that applies."""
    candidates = [
        w for w in workflows if w.organization == slug and w.applies_to(content_type, platforms)
    ]
    return max(candidates, key=lambda w: w.specificity)


def insert_workflows(conn: Connection, workflows: list[DemoWorkflow], anchor: date) -> None:
    rows = [
        {
            "id": w.id,
            "organization_id": organization_id(w.organization),
            "name": w.name,
            "steps": as_json(list(w.steps)),
            "auto_approval_rules": as_json(list(w.auto_approval_rules)),
            "applies_to_content_types": list(w.content_types),
            "applies_to_platforms": list(w.platforms),
            "minimum_compliance_score": w.minimum_compliance_score,
            "created_by": user_id(next(o.owner for o in ORGANIZATIONS if o.slug == w.organization)),
            "created_at": at(anchor, 100, 16),
        }
        for w in workflows
    ]
    insert_rows(conn, sql("demo/insert_workflow"), rows)
