"""Validate every brand kit, brand asset and template, for the brand-kit assets' metadata."""

import io
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image
from sqlalchemy import Connection

from assets.brand_kits import BrandKitError, TemplateError, load_brand_kit, load_template
from core.tables import markdown_table
from resources.sql_files import sql

IMAGE_ASSET_TYPES = ("logo", "icon", "image", "pattern")


@dataclass(frozen=True)
class Finding:
    name: str
    organization: str
    valid: bool
    reason: str = ""


def audit_brand_profiles(conn: Connection, read_file: Callable[[str], bytes]) -> list[Finding]:
    findings = []
    for profile in conn.execute(sql("brand_kits/all_brand_profiles")).mappings():
        brand_assets = (
            conn.execute(sql("brand_kits/load_brand_assets"), {"brand_profile_id": profile["id"]})
            .mappings()
            .all()
        )
        try:
            load_brand_kit(profile, brand_assets, read_file)
            findings.append(Finding(profile["name"], profile["organization_slug"], True))
        except BrandKitError as error:
            findings.append(
                Finding(profile["name"], profile["organization_slug"], False, str(error))
            )
    return findings


def audit_brand_assets(conn: Connection, read_file: Callable[[str], bytes]) -> list[Finding]:
    findings = []
    for row in conn.execute(sql("brand_kits/all_brand_assets")).mappings():
        name, org = f"{row['brand_name']}: {row['name']}", row["organization_slug"]
        if row["asset_type"] not in IMAGE_ASSET_TYPES or not row["file_path"]:
            findings.append(Finding(name, org, True))
            continue
        try:
            with Image.open(io.BytesIO(read_file(row["file_path"]))) as image:
                image.verify()
            findings.append(Finding(name, org, True))
        except (OSError, ValueError, Image.DecompressionBombError) as error:
            findings.append(Finding(name, org, False, f"{row['file_path']}: {error}"))
    return findings


def audit_templates(conn: Connection) -> list[Finding]:
    findings = []
    for row in conn.execute(sql("brand_kits/all_templates")).mappings():
        name = f"{row['brand_name']}: {row['name']}"
        try:
            load_template(row)
            findings.append(Finding(name, row["organization_slug"], True))
        except TemplateError as error:
            findings.append(Finding(name, row["organization_slug"], False, str(error)))
    return findings


def findings_markdown(findings: list[Finding]) -> str:
    invalid = [f for f in findings if not f.valid]
    if not invalid:
        return f"All {len(findings)} valid."
    return markdown_table(
        ("organization", "name", "problem"),
        [(f.organization, f.name, f.reason) for f in invalid],
        limit=None,
    )
