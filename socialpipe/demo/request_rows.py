"""content_requests rows of the demo requests: brief, style and status details."""

from sqlalchemy import Connection

from resources.sql_files import sql
from socialpipe.demo.db import as_json, insert_rows
from socialpipe.demo.ids import rng_for
from socialpipe.demo.requests import DemoRequest, request_template
from socialpipe.demo.tenants import brand_id, organization_id

STYLES = ("photo", "illustration", "flat", "3d", "watercolor")
MOODS = ("warm", "energetic", "calm", "bold", "elegant", "playful")


def _brief(request: DemoRequest) -> str:
    brand, idea = request.brand, request.idea
    palette = ", ".join(f"{s.name} ({s.hex})" for s in brand.palette[:3])
    return (
        f'{idea.description} Headline: "{idea.title}". Call to action: "{idea.cta}". '
        f"Voice: {brand.voice} Use the {palette} palette and keep the logo in the "
        f"template's logo zone."
    )


# colours a requester asked for beside the brand's (style_preferences.colors): festive
# red and green stray off Northwind's palette, so generation repairs those images
# (docs/REPAIRS.md) and the gallery shows the attempts
REQUESTED_COLORS = {"Holiday gift boxes now shipping": ["#C62828", "#2E7D32"]}

STATUS_REASONS = {
    "failed": "Local renderer failed 4 times (HTTP 500): the headline does not fit the "
    "template's headline zone at the minimum font size.",
    "cancelled": "Campaign postponed by the marketing team.",
}


def request_row(request: DemoRequest) -> dict[str, object]:
    rng = rng_for(f"style/{request.id}")
    return {
        "id": request.id,
        "organization_id": organization_id(request.organization),
        "brand_profile_id": brand_id(request.brand),
        "requested_by": request.requested_by,
        "title": request.idea.title,
        "description": request.idea.description,
        "content_brief": _brief(request),
        "target_platforms": request.platforms,
        "content_type": request.idea.content_type,
        "template_id": request_template(request),
        "style_preferences": as_json(
            {
                "style": str(rng.choice(STYLES)),
                "mood": str(rng.choice(MOODS)),
                "num_images": int(rng.integers(1, 4)),
                "cta": request.idea.cta,
                **(
                    {"colors": REQUESTED_COLORS[request.idea.title]}
                    if request.idea.title in REQUESTED_COLORS
                    else {}
                ),
            }
        ),
        "keywords": list(request.idea.keywords),
        "status": request.status,
        "status_reason": STATUS_REASONS.get(request.status),
        "priority": request.priority,
        "due_date": request.due_date,
        "processing_started_at": request.started_at,
        "processing_completed_at": request.completed_at,
        "created_at": request.created_at,
        "updated_at": request.completed_at or request.created_at,
    }


def insert_requests(conn: Connection, requests: list[DemoRequest]) -> None:
    rows = [request_row(request) for request in requests]
    insert_rows(conn, sql("demo/insert_request"), rows)
