"""The demo tenants: users, organizations, memberships and brand profiles."""

from datetime import date
from uuid import UUID

from sqlalchemy import Connection

from resources.sql_files import sql
from socialpipe.demo.brands import BRANDS, DemoBrand
from socialpipe.demo.catalog import ORGANIZATIONS, USERS
from socialpipe.demo.db import as_json, insert_rows
from socialpipe.demo.ids import at, demo_id


class DemoDataConflictError(RuntimeError):
    """A demo slug, email or username is already used by a row the loader did not create."""


def user_id(username: str) -> UUID:
    return demo_id("user", username)


def organization_id(slug: str) -> UUID:
    return demo_id("organization", slug)


def brand_id(brand: DemoBrand) -> UUID:
    return demo_id("brand", brand.organization, brand.key)


def check_no_foreign_conflicts(conn: Connection) -> None:
    """Refuse to load next to real rows that hold a demo slug, email or username.

    ``on conflict (id) do nothing`` only skips our own rows; a stranger's row
    with the same natural key would fail deep inside the load with a bare
    unique violation, so name it up front instead.
    """
    clashes = (
        conn.execute(
            sql("demo/foreign_conflicts"),
            {
                "slugs": [org.slug for org in ORGANIZATIONS],
                "org_ids": [organization_id(org.slug) for org in ORGANIZATIONS],
                "emails": [user.email.lower() for user in USERS],
                "usernames": [user.username.lower() for user in USERS],
                "user_ids": [user_id(user.username) for user in USERS],
            },
        )
        .scalars()
        .all()
    )
    if clashes:
        raise DemoDataConflictError(
            "cannot load the demo data: these already exist and were not created by it: "
            + ", ".join(clashes)
        )


def insert_users(conn: Connection, anchor: date) -> None:
    rows = [
        {
            "id": user_id(user.username),
            "email": user.email,
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "role": user.system_role,
            "created_at": at(anchor, 120 - index, 9),
            # demo accounts have no password: nobody can sign in as them
            "metadata": as_json({"demo": True, "title": user.title}),
        }
        for index, user in enumerate(USERS)
    ]
    insert_rows(conn, sql("demo/insert_user"), rows)


def insert_organizations(conn: Connection, anchor: date, logo_urls: dict[str, str]) -> None:
    """Organizations; ``logo_urls`` maps a slug to its main brand's logo URL."""
    rows = [
        {
            "id": organization_id(org.slug),
            "name": org.name,
            "slug": org.slug,
            "description": org.description,
            "industry": org.industry,
            "website_url": org.website_url,
            "logo_url": logo_urls.get(org.slug),
            "created_by": user_id(org.owner),
            "created_at": at(anchor, 118, 10),
            "settings": as_json(org.settings),
        }
        for org in ORGANIZATIONS
    ]
    insert_rows(conn, sql("demo/insert_organization"), rows)


def insert_memberships(conn: Connection, anchor: date) -> None:
    rows = [
        {
            "id": demo_id("membership", slug, user.username),
            "user_id": user_id(user.username),
            "organization_id": organization_id(slug),
            "role": role,
            "joined_at": at(anchor, 117 - index, 11),
        }
        for index, user in enumerate(USERS)
        for slug, role in user.memberships.items()
    ]
    insert_rows(conn, sql("demo/insert_membership"), rows)


def brand_profile_row(brand: DemoBrand, logo_url: str, anchor: date) -> dict[str, object]:
    """One demo brand as a brand_profiles row (jsonb as JSON text)."""
    return {
        "id": brand_id(brand),
        "organization_id": organization_id(brand.organization),
        "name": brand.name,
        "primary_color": brand.color("primary"),
        "secondary_color": brand.color("secondary"),
        "accent_color": brand.color("accent"),
        "color_palette": as_json(
            [
                {"name": swatch.name, "hex": swatch.hex, "role": swatch.role}
                for swatch in brand.palette
            ]
        ),
        "primary_font": brand.primary_font,
        "secondary_font": brand.secondary_font,
        "logo_primary_url": logo_url,
        "brand_voice_tone": brand.voice,
        "enforcement_level": brand.enforcement_level,
        "minimum_compliance_score": brand.minimum_compliance_score,
        "created_by": user_id(brand.manager),
        "created_at": at(anchor, 110, 14),
    }


def insert_brand_profiles(conn: Connection, anchor: date, logo_urls: dict[str, str]) -> None:
    """Brand profiles; ``logo_urls`` maps a brand key to its stored logo's URL."""
    rows = [brand_profile_row(brand, logo_urls[brand.key], anchor) for brand in BRANDS]
    insert_rows(conn, sql("demo/insert_brand_profile"), rows)
