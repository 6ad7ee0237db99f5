"""load_demo_data: every demo table in one transaction, safe to run again.

Order follows the foreign keys (users before the organizations they created,
brands before their templates, requests before their images ...). Image files
are written before the rows that point at them, each atomically, so the
database never names a file that is not there; if the transaction fails, the
files stay behind and are reused by the next attempt.
"""

from datetime import date
from pathlib import Path

from sqlalchemy import Connection, Engine

from resources.sql_files import sql
from socialpipe.demo import (
    activity,
    api_usage,
    approvals,
    archive,
    brand_kit,
    engagement,
    history,
    request_rows,
    requests,
    settings,
    templates,
    tenants,
    workflows,
)
from socialpipe.demo.brands import BRANDS, brands_of
from socialpipe.demo.catalog import ORGANIZATIONS, USERS
from socialpipe.demo.tenants import brand_id, organization_id, user_id

# serialises concurrent loads (two `socialpipe seed demo` at once); any constant works
LOAD_LOCK_KEY = 804_412_101


def demo_row_counts(conn: Connection) -> dict[str, int]:
    """Rows per table that belong to the demo tenants (or, for settings, to the demo)."""
    row = (
        conn.execute(
            sql("demo/row_counts"),
            {
                "user_ids": [user_id(u.username) for u in USERS],
                "org_ids": [organization_id(o.slug) for o in ORGANIZATIONS],
                "setting_ids": settings.setting_ids(),
            },
        )
        .mappings()
        .one()
    )
    return {table: int(count) for table, count in row.items()}


def _load_brand_kits(conn: Connection, media_dir: Path, anchor: date) -> None:
    artwork = {brand.key: brand_kit.store_brand_artwork(media_dir, brand) for brand in BRANDS}
    logo_urls = {key: stored["logo"].url for key, stored in artwork.items()}
    # an organization's logo is its first (main) brand's logo
    org_logos = {org.slug: logo_urls[brands_of(org.slug)[0].key] for org in ORGANIZATIONS}
    tenants.insert_organizations(conn, anchor, org_logos)
    tenants.insert_memberships(conn, anchor)
    tenants.insert_brand_profiles(conn, anchor, logo_urls)
    for brand in BRANDS:
        brand_kit.insert_brand_assets(conn, brand, artwork[brand.key], anchor)
        templates.insert_templates(conn, brand, brand_id(brand), user_id(brand.manager), anchor)


def _load_content(conn: Connection, media_dir: Path, anchor: date) -> list[requests.DemoRequest]:
    flows = workflows.demo_workflows()
    workflows.insert_workflows(conn, flows, anchor)
    demo_requests = requests.demo_requests(anchor)
    request_rows.insert_requests(conn, demo_requests)
    assets = history.render_assets(media_dir, demo_requests, anchor)
    history.insert_generated_assets(conn, assets)
    decisions = approvals.approval_rows(demo_requests, assets, flows)
    approvals.insert_approvals(conn, decisions)
    analytics = []
    for asset in (a for a in assets if a.request.status == "completed"):
        published = approvals.published_at(asset.request, decisions)
        analytics += engagement.analytics_rows(asset, published, anchor)
    engagement.insert_analytics(conn, analytics)
    activity.insert_activity(conn, activity.activity_rows(demo_requests, decisions, anchor))
    activity.insert_jobs(conn, activity.job_rows(demo_requests, anchor))
    return demo_requests


def _load_archive(conn: Connection, media_dir: Path, anchor: date) -> None:
    archived = archive.archive_requests(anchor)
    request_rows.insert_requests(conn, archived)
    assets = history.render_assets(media_dir, archived, anchor, archive.archive_drift)
    history.insert_generated_assets(conn, assets)
    analytics = []
    for asset in assets:
        analytics += engagement.analytics_rows(
            asset, archive.archive_published_at(asset.request), anchor
        )
    engagement.insert_analytics(conn, analytics)


def load_demo_data(
    engine: Engine, media_dir: Path, *, today: date | None = None, with_archive: bool = False
) -> dict[str, int]:
    """Load the demo tenants, their brand kits, requests and 90 days of history.

    Idempotent: every row has a deterministic id and is inserted with
    ``on conflict do nothing``, and the history's last day is stored on the
    first load (system_settings demo.history_end_date) and reused, so loading
    again, on any day, adds nothing. ``today`` (default: the current date) only
    matters on the first load: history ends the day before it. Runs in one
    transaction, which must bypass row-level security (the pipeline role or the
    schema owner: the demo spans two tenants and writes system_settings).
    ``with_archive`` adds the archive of published posts (archive.py; the demo
    command's choice). Returns the demo's row count per table after loading.
    """
    media_dir = Path(media_dir)
    with engine.begin() as conn:
        conn.execute(sql("demo/lock_load"), {"key": LOAD_LOCK_KEY})
        tenants.check_no_foreign_conflicts(conn)
        anchor = settings.history_end_date(conn, today or date.today())
        settings.insert_settings(conn)
        tenants.insert_users(conn, anchor)
        _load_brand_kits(conn, media_dir, anchor)
        demo_requests = _load_content(conn, media_dir, anchor)
        if with_archive:
            _load_archive(conn, media_dir, anchor)
        api_usage.load_api_usage(conn, api_usage.build_api_usage(anchor, demo_requests))
        return demo_row_counts(conn)
