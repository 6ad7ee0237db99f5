"""Where a brand's logo bytes come from: its logo asset file, else its logo URL."""

from collections.abc import Callable, Mapping, Sequence
from typing import Literal, NamedTuple

from assets.brand_kits.logo import MAX_LOGO_BYTES, LogoError, check_logo_url


class LogoSource(NamedTuple):
    source: Literal["brand_asset", "url"]
    reference: str
    asset_id: str | None
    data: bytes


def _problem(field: str, reason: str) -> LogoError:
    error = LogoError(reason)
    error.field = field
    return error


def _logo_row(brand_assets: Sequence[Mapping]) -> tuple[int, Mapping] | None:
    """The brand's main logo: tagged 'primary' first, then the oldest (deterministic)."""
    logos = [(i, row) for i, row in enumerate(brand_assets) if row.get("asset_type") == "logo"]
    if not logos:
        return None

    def rank(item: tuple[int, Mapping]) -> tuple:
        index, row = item
        created = row.get("created_at")
        return ("primary" not in (row.get("tags") or ()), created is None, str(created), index)

    return min(logos, key=rank)


def _fetch(url: str, field: str, fetch_url: Callable[[str], bytes] | None) -> bytes:
    try:
        check_logo_url(url)
    except LogoError as exc:
        raise _problem(field, str(exc)) from None
    if fetch_url is None:
        raise _problem(field, f"{url}: logo URL fetching disabled (no fetch_url given)")
    try:
        data = fetch_url(url)
    except Exception as exc:  # any fetcher failure fails this brand only
        raise _problem(field, f"{url}: could not be fetched ({exc})") from None
    if len(data) > MAX_LOGO_BYTES:
        raise _problem("logo", f"{url}: {len(data):,} bytes, over {MAX_LOGO_BYTES:,}")
    return data


def read_logo(
    profile: Mapping,
    brand_assets: Sequence[Mapping],
    read_file: Callable[[str], bytes],
    fetch_url: Callable[[str], bytes] | None,
) -> LogoSource | None:
    """The logo's bytes and where they came from; None when the brand has no logo at all.

    Raises LogoError with ``.field`` set (``logo`` or ``logo_primary_url``).
    """
    found = _logo_row(brand_assets)
    if found is not None:
        index, row = found
        asset_id = str(row["id"]) if row.get("id") is not None else None
        path, url = row.get("file_path"), row.get("file_url")
        if path:
            size = row.get("file_size_bytes")
            if isinstance(size, int) and size > MAX_LOGO_BYTES:
                raise _problem("logo", f"{path}: {size:,} bytes, over {MAX_LOGO_BYTES:,}")
            try:
                data = read_file(path)
            except Exception as exc:  # the store's own error, whatever it is
                raise _problem("logo", f"{path}: cannot be read ({exc})") from None
            return LogoSource("brand_asset", path, asset_id, data)
        if url:
            field = f"brand_assets[{index}].file_url"
            return LogoSource("url", url, asset_id, _fetch(url, field, fetch_url))
        raise _problem("logo", f"brand_assets[{index}] (logo) has neither file_path nor file_url")
    url = profile.get("logo_primary_url")
    if url:
        return LogoSource("url", url, None, _fetch(url, "logo_primary_url", fetch_url))
    return None
