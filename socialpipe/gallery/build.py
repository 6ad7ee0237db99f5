"""Build the gallery: read the requests, render one page each and the index, write them."""

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from socialpipe.gallery.compliance_load import load_compliance
from socialpipe.gallery.compliance_page import PAGE_NAME, render_compliance_page
from socialpipe.gallery.index_page import render_index
from socialpipe.gallery.links import MediaLinks
from socialpipe.gallery.load import load_requests
from socialpipe.gallery.request_page import render_request_page
from socialpipe.gallery.write import remove_stale, write_if_changed

REQUESTS_FOLDER = "requests"


@dataclass(frozen=True)
class GalleryBuild:
    index: Path
    pages: int  # request pages in the gallery
    written: int  # files (re)written by this build, the index included
    removed: int  # stale request pages deleted
    seconds: float


def build_gallery(
    engine: Engine,
    out_dir: Path,
    links: MediaLinks,
    *,
    organizations: Sequence[str] | None = None,
) -> GalleryBuild:
    """Write `out_dir/index.html` and `out_dir/requests/<request id>.html` for every request
    of `organizations` (slugs; all when None). Returns where the index is and what changed."""
    started = time.perf_counter()
    # resolved: image paths are made relative to where the pages really are
    out_dir = out_dir.resolve()
    pages_dir = out_dir / REQUESTS_FOLDER
    requests = load_requests(engine, organizations)

    written = 0
    for request in requests:
        html = render_request_page(request, links, pages_dir)
        written += write_if_changed(pages_dir / f"{request.id}.html", html)
    removed = remove_stale(pages_dir, {f"{r.id}.html" for r in requests})
    compliance = render_compliance_page(load_compliance(engine, organizations))
    written += write_if_changed(out_dir / PAGE_NAME, compliance)
    index = out_dir / "index.html"
    html = render_index(
        requests,
        links,
        out_dir,
        built_at=datetime.now(UTC),
        organizations=organizations,
    )
    written += write_if_changed(index, html)
    return GalleryBuild(
        index=index,
        pages=len(requests),
        written=written,
        removed=removed,
        seconds=time.perf_counter() - started,
    )
