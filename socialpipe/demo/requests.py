"""The 50 demo content requests: who asked, for which platforms, in what state.

Most are 'submitted', so the generation sensor has work the moment the demo
is loaded; completed and approved ones carry the history that generated
assets, approvals and analytics hang off. Every timestamp is relative to the
stored anchor day.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

import numpy as np

from core.placements import all_placements, platforms, primary_placement
from socialpipe.demo.brands import BRANDS, DemoBrand
from socialpipe.demo.catalog import ORGANIZATIONS, members
from socialpipe.demo.ideas_lumen import LUMEN_IDEAS
from socialpipe.demo.ideas_northwind import NORTHWIND_IDEAS, Idea
from socialpipe.demo.ids import at, demo_id, rng_for
from socialpipe.demo.templates import template_id
from socialpipe.demo.tenants import user_id

IDEAS = (*NORTHWIND_IDEAS, *LUMEN_IDEAS)
# per organization (25 requests each); 26 submitted in total
STATUS_MIX = {
    "northwind-coffee": {
        "submitted": 13,
        "draft": 2,
        "queued": 2,
        "completed": 5,
        "approved": 1,
        "cancelled": 1,
        "failed": 1,
    },
    "lumen-fitness": {
        "submitted": 13,
        "draft": 2,
        "queued": 1,
        "completed": 5,
        "approved": 2,
        "cancelled": 1,
        "failed": 1,
    },
}
# requests with generated images (kept few: each is a full-size render)
HISTORY_STATUSES = ("completed", "approved")
STORY_PLATFORMS = ("instagram", "tiktok")
# where a team's posts usually go first (instagram and linkedin lead for brands like these)
FIRST_PLATFORM_WEIGHTS = {
    "instagram": 0.30,
    "facebook": 0.15,
    "linkedin": 0.15,
    "x": 0.10,
    "pinterest": 0.10,
    "tiktok": 0.10,
    "youtube": 0.10,
}
# paid campaigns run where the tenants buy ads (see workflows.AD_PLATFORMS)
AD_FIRST_PLATFORM_WEIGHTS = {"instagram": 0.45, "facebook": 0.35, "youtube": 0.1, "linkedin": 0.1}
REQUESTER_ROLES = ("editor", "brand_manager", "admin")


@dataclass(frozen=True)
class DemoRequest:
    id: UUID
    organization: str  # slug
    brand: DemoBrand
    idea: Idea
    status: str
    platforms: list[str]
    priority: int
    requested_by: UUID
    created_at: datetime
    due_date: datetime | None
    started_at: datetime | None
    completed_at: datetime | None

    @property
    def has_history(self) -> bool:
        return self.status in HISTORY_STATUSES


def _assign_statuses(ideas: list[Idea], rng: np.random.Generator, mix: dict[str, int]) -> list[str]:
    """Shuffle the organization's status mix over its ideas.

    Story ideas never get a history status: their generated image would be
    rendered at the platform's primary (feed) size, which a story is not.
    """
    statuses = [status for status, count in mix.items() for _ in range(count)]
    statuses = [statuses[i] for i in rng.permutation(len(statuses))]
    for i, idea in enumerate(ideas):
        if idea.content_type == "story" and statuses[i] in HISTORY_STATUSES:
            swap = next(
                j
                for j, other in enumerate(ideas)
                if other.content_type != "story" and statuses[j] not in HISTORY_STATUSES
            )
            statuses[i], statuses[swap] = statuses[swap], statuses[i]
    return statuses


def _pick_platforms(idea: Idea, status: str, rng: np.random.Generator) -> list[str]:
    """1–3 distinct platforms; history requests get at most 2 to keep renders few."""
    every = list(platforms())
    if idea.content_type == "story":
        first = str(rng.choice(STORY_PLATFORMS))
    else:
        table = AD_FIRST_PLATFORM_WEIGHTS if idea.content_type == "ad" else FIRST_PLATFORM_WEIGHTS
        weights = np.array([table.get(p, 0.0) for p in every])
        first = str(rng.choice(every, p=weights / weights.sum()))
    extra_max = 1 if status in HISTORY_STATUSES else 2
    extra = int(rng.integers(0, extra_max + 1))
    others = [p for p in every if p != first]
    return [first, *(str(p) for p in rng.choice(others, size=extra, replace=False))]


def _timing(status: str, anchor: date, rng: np.random.Generator) -> tuple:
    """created_at, due_date, processing_started_at, processing_completed_at."""
    hour = float(rng.uniform(8, 18))
    started = completed = None
    if status == "completed":
        # old enough to have been published and measured for a while
        started = at(anchor, float(rng.uniform(20, 80)), hour)
        created = started - timedelta(days=float(rng.uniform(1, 5)))
        completed = started + timedelta(minutes=float(rng.uniform(2, 40)))
        due = completed + timedelta(days=float(rng.uniform(1, 7)))
    elif status in ("approved", "failed"):
        started = at(anchor, float(rng.uniform(1, 8)), hour)
        created = started - timedelta(days=float(rng.uniform(0.5, 3)))
        completed = started + timedelta(minutes=float(rng.uniform(1, 25)))
        due = at(anchor, -float(rng.uniform(2, 14)), hour)
    elif status == "cancelled":
        created = at(anchor, float(rng.uniform(10, 40)), hour)
        due = created + timedelta(days=float(rng.uniform(5, 15)))
    else:  # submitted, queued, draft: waiting for the pipeline, due in the future
        created = at(anchor, float(rng.uniform(0, 3)), hour * 0.6)
        due = (
            None
            if status == "draft" and rng.random() < 0.5
            else at(anchor, -float(rng.uniform(3, 30)), hour)
        )
    return created, due, started, completed


def demo_requests(anchor: date) -> list[DemoRequest]:
    """Build (not write) all demo requests, identically on every run."""
    brands = {brand.key: brand for brand in BRANDS}
    built: list[DemoRequest] = []
    for org in ORGANIZATIONS:
        rng = rng_for(f"requests/{org.slug}")
        ideas = [idea for idea in IDEAS if brands[idea.brand].organization == org.slug]
        statuses = _assign_statuses(ideas, rng, STATUS_MIX[org.slug])
        requesters = [u for role in REQUESTER_ROLES for u in members(org.slug, role)]
        for idea, status in zip(ideas, statuses, strict=True):
            created, due, started, completed = _timing(status, anchor, rng)
            built.append(
                DemoRequest(
                    id=demo_id("request", org.slug, idea.title),
                    organization=org.slug,
                    brand=brands[idea.brand],
                    idea=idea,
                    status=status,
                    platforms=_pick_platforms(idea, status, rng),
                    priority=int(rng.choice([1, 2, 3, 4, 5], p=[0.1, 0.25, 0.35, 0.2, 0.1])),
                    requested_by=user_id(requesters[int(rng.integers(len(requesters)))].username),
                    created_at=created,
                    due_date=due,
                    started_at=started,
                    completed_at=completed,
                )
            )
    return built


def request_template(request: DemoRequest) -> UUID:
    """The brand's template for the request's first platform (its story layout for stories)."""
    first = request.platforms[0]
    placement = primary_placement(first)
    if request.idea.content_type == "story":
        placement = next(
            (p for p in all_placements() if p.platform == first and "story" in p.placement),
            placement,
        )
    return template_id(request.brand, placement)
