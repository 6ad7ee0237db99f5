"""A brand kit from a file: JSON or YAML whose keys are brand_profiles column names.

For scoring images made outside the pipeline (``socialpipe compliance check
--brand-kit``). ``logo_primary_url`` may be a local path (relative to the file) or
an https URL, fetched only from a public address, without redirects, size-capped.
Bare hex strings are accepted as ``color_palette`` entries.
"""

import socket
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from assets.brand_kits import (
    MAX_LOGO_BYTES,
    BrandKit,
    BrandKitError,
    check_logo_url,
    is_public_address,
    load_brand_kit,
)
from resources.input_files import InputFileError, parse_json, read_text_file

# sql/schema/0002_tables.sql
PROFILE_COLUMNS = (
    "id",
    "organization_id",
    "name",
    "primary_color",
    "secondary_color",
    "accent_color",
    "color_palette",
    "primary_font",
    "secondary_font",
    "logo_primary_url",
    "brand_voice_tone",
    "enforcement_level",
    "minimum_compliance_score",
    "created_by",
    "created_at",
    "updated_at",
)
FETCH_TIMEOUT_S = 15
MAX_KIT_BYTES = 1024 * 1024


def read_profile(path: Path) -> dict:
    """The file's brand_profiles row; BrandKitError naming the file when it is not one."""
    name = path.stem
    try:
        text = read_text_file(path, max_bytes=MAX_KIT_BYTES)
        data = parse_json(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except InputFileError as error:
        raise BrandKitError(name, str(path), str(error).removeprefix(f"{path}: ")) from None
    except (ValueError, RecursionError, yaml.YAMLError) as error:
        raise BrandKitError(name, str(path), f"not readable as JSON or YAML: {error}") from None
    if not isinstance(data, Mapping):
        raise BrandKitError(name, str(path), "must hold an object of brand_profiles columns")
    unknown = sorted(set(data) - set(PROFILE_COLUMNS))
    if unknown:
        reason = (
            f"unknown key(s) {', '.join(unknown)}; the columns are {', '.join(PROFILE_COLUMNS)}"
        )
        raise BrandKitError(name, str(path), reason)
    return {"name": name, **data}


def fetch_logo(url: str) -> bytes:
    """An https logo from a public address only: no redirects, at most MAX_LOGO_BYTES."""
    import httpx

    check_logo_url(url)
    host = urlsplit(url).hostname or ""
    addresses = {info[4][0] for info in socket.getaddrinfo(host, 443)}
    if not addresses or not all(is_public_address(address) for address in addresses):
        raise ValueError(f"{host} resolves to a private address")
    data = bytearray()
    with httpx.stream("GET", url, follow_redirects=False, timeout=FETCH_TIMEOUT_S) as response:
        response.raise_for_status()
        for chunk in response.iter_bytes():
            data += chunk
            if len(data) > MAX_LOGO_BYTES:
                raise ValueError(f"more than {MAX_LOGO_BYTES:,} bytes")
    return bytes(data)


def read_local_logo(path: str) -> bytes:
    """A logo named by a local path, with the caps a stored logo has: a regular file
    (never a device, pipe or directory), at most MAX_LOGO_BYTES (pixels: decode_logo)."""
    local = Path(path)
    if not local.is_file():
        raise ValueError("not a regular file")
    with local.open("rb") as handle:
        data = handle.read(MAX_LOGO_BYTES + 1)
    if len(data) > MAX_LOGO_BYTES:
        raise ValueError(f"more than {MAX_LOGO_BYTES:,} bytes")
    return data


def kit_from_file(path: Path) -> BrandKit:
    """A validated BrandKit from ``path``; BrandKitError saying what is wrong."""
    profile = read_profile(path)
    palette = profile.get("color_palette")
    if isinstance(palette, list):
        profile["color_palette"] = [{"hex": c} if isinstance(c, str) else c for c in palette]
    assets = []
    logo = profile.get("logo_primary_url")
    if isinstance(logo, str) and ("://" not in logo or logo.startswith("file://")):
        local = Path(logo.removeprefix("file://")).expanduser()
        local = local if local.is_absolute() else path.parent / local
        assets.append({"asset_type": "logo", "file_path": str(local), "tags": ["primary"]})
        profile["logo_primary_url"] = None
    return load_brand_kit(
        profile,
        assets,
        read_local_logo,
        fetch_url=fetch_logo,
        require_logo=False,
    )
