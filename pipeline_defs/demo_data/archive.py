"""The demo's archive of published posts: enough images for "does compliance pay?".

Ten history requests make twenty images, a handful per platform: too few for any
band's engagement to be told apart from the rest (the gallery's "Compliance vs
engagement" page would say "too few" everywhere). The archive adds the posts an
organization published over the 90 days of history on two platforms: Instagram,
where the demo's engagement model gives on-brand images an edge (engagement.py
COMPLIANCE_EDGE), and LinkedIn, where it gives none, so the page shows a clear
case and an inconclusive one.

Archived requests are 'completed' campaigns re-using the organization's feed ideas,
one platform each, rendered and scored like the history (history.render_assets) and
measured from their publication on. They have no approvals and no API usage: they
were made before the demo's workflows. `socialpipe demo` and `socialpipe seed demo`
load them (SOCIALPIPE_DEMO_ARCHIVE=0 leaves them out); load_demo_data only when asked.
"""

import os
from datetime import date, datetime, timedelta

from pipeline_defs.demo_data.brands import brands_of
from pipeline_defs.demo_data.catalog import members
from pipeline_defs.demo_data.ids import at, demo_id, rng_for
from pipeline_defs.demo_data.requests import IDEAS, DemoRequest
from pipeline_defs.demo_data.tenants import user_id

# posts per organization and platform
ARCHIVE_POSTS = {"northwind-coffee": {"instagram": 80, "linkedin": 70}}
ARCHIVE_VARIABLE = "SOCIALPIPE_DEMO_ARCHIVE"


def archive_wanted() -> bool:
    """The archive is loaded unless SOCIALPIPE_DEMO_ARCHIVE is 0 (or false, no, off)."""
    return os.environ.get(ARCHIVE_VARIABLE, "1").strip().lower() not in ("0", "false", "no", "off")


def archive_requests(anchor: date) -> list[DemoRequest]:
    """The archived requests, identically on every run (ids from their organization,
    platform and number)."""
    built = []
    for slug, posts in ARCHIVE_POSTS.items():
        brands = {brand.key: brand for brand in brands_of(slug)}
        ideas = [i for i in IDEAS if i.brand in brands and i.content_type != "story"]
        requester = members(slug, "editor")[0]
        for platform, count in posts.items():
            rng = rng_for(f"archive/{slug}/{platform}")
            for number in range(count):
                idea = ideas[int(rng.integers(len(ideas)))]
                # published any day of the history but its last week (measured a while)
                started = at(anchor, float(rng.uniform(8, 86)), float(rng.uniform(8, 18)))
                completed = started + timedelta(minutes=float(rng.uniform(2, 30)))
                built.append(
                    DemoRequest(
                        id=demo_id("archive-request", slug, platform, number),
                        organization=slug,
                        brand=brands[idea.brand],
                        idea=idea,
                        status="completed",
                        platforms=[platform],
                        priority=3,
                        requested_by=user_id(requester.username),
                        created_at=started - timedelta(days=float(rng.uniform(1, 4))),
                        due_date=completed + timedelta(days=2),
                        started_at=started,
                        completed_at=completed,
                    )
                )
    return built


def archive_published_at(request: DemoRequest) -> datetime:
    """When an archived post went live: a few hours after it was made."""
    return request.completed_at + timedelta(
        hours=float(rng_for(f"publish/{request.id}").uniform(1, 8))
    )
