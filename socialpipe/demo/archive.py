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
measured from their publication on. Unlike the history's, not every archived post kept
to the brand kit: each is drawn with its own drift (archive_drift, seeded by its id), a
background off the palette, a logo too small, or both, so that the real scorer puts
them in every band (below 70, 70 to 90, 90 and over) and the engagement edge keys on
what it measured. They have no approvals and no API usage: they
were made before the demo's workflows. `socialpipe demo` and `socialpipe seed demo`
load them (SOCIALPIPE_DEMO_ARCHIVE=0 leaves them out); load_demo_data only when asked.
"""

import os
from datetime import date, datetime, timedelta

from socialpipe.demo.brands import brands_of
from socialpipe.demo.catalog import members
from socialpipe.demo.content_images import ON_BRAND, Drift
from socialpipe.demo.ids import at, demo_id, rng_for
from socialpipe.demo.requests import IDEAS, DemoRequest
from socialpipe.demo.tenants import user_id

# posts per organization and platform
ARCHIVE_POSTS = {"northwind-coffee": {"instagram": 80, "linkedin": 70}}
ARCHIVE_VARIABLE = "SOCIALPIPE_DEMO_ARCHIVE"
# how the archived posts strayed from the kit, with their shares: about half on brand
DRIFTS = {"on brand": 0.45, "small logo": 0.25, "off palette": 0.2, "both": 0.1}
# backgrounds of a stock template, none near a Northwind colour (ΔE2000 well over 12)
OFF_PALETTE = ("#1565C0", "#2E7D32", "#6A1B9A", "#00838F", "#546E7A")
# the logo at this share of its zone: under the 8 % of the canvas the logo rule needs
SMALL_LOGO = 0.4


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


def archive_drift(request: DemoRequest) -> Drift:
    """How the archived post of ``request`` strays from its brand: the same on every run."""
    rng = rng_for(f"archive-drift/{request.id}")
    kinds = list(DRIFTS)
    kind = kinds[int(rng.choice(len(kinds), p=list(DRIFTS.values())))]
    if kind == "on brand":
        return ON_BRAND
    background = OFF_PALETTE[int(rng.integers(len(OFF_PALETTE)))]
    return Drift(
        background=background if kind in ("off palette", "both") else None,
        logo_scale=SMALL_LOGO if kind in ("small logo", "both") else 1.0,
    )


def archive_published_at(request: DemoRequest) -> datetime:
    """When an archived post went live: a few hours after it was made."""
    return request.completed_at + timedelta(
        hours=float(rng_for(f"publish/{request.id}").uniform(1, 8))
    )
