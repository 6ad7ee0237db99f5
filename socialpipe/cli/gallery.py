"""`socialpipe gallery build`: static HTML pages of every request, its images and variants.

The pages open from disk (file://) with no server: images are referenced by paths
relative to the local media folder, or by their public URL for a bucket.
"""

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from resources.wording import plural
from socialpipe.cli.ids import check_slugs

if TYPE_CHECKING:
    from socialpipe.gallery import GalleryBuild

app = typer.Typer(help="The HTML gallery of requests, images and variants.", no_args_is_help=True)


@app.callback()
def main() -> None:
    """The HTML gallery: one page per request with its variants and compliance verdicts."""


def default_gallery_dir() -> Path:
    from resources.paths import data_dir

    return data_dir() / "gallery"


def build_default(
    out: Path | None = None, organizations: list[str] | None = None
) -> "GalleryBuild":
    """Build the gallery from the configured database and image store (for `socialpipe demo`)."""
    from resources.database import DatabaseResource
    from resources.image_store import ImageStoreResource
    from socialpipe.gallery import MediaLinks, build_gallery

    links = MediaLinks.for_store(ImageStoreResource().get_store())
    return build_gallery(
        DatabaseResource().get_engine(),
        out or default_gallery_dir(),
        links,
        organizations=organizations or None,
    )


@app.command()
def build(
    out: Path | None = typer.Option(
        None, "--out", help="Folder for index.html and the request pages (default .data/gallery)."
    ),
    org: list[str] = typer.Option(
        [], "--org", help="Only this organization (its slug); repeat for several."
    ),
) -> None:
    """Write the gallery (index + one page per request) and print the index's path."""
    if org:
        from resources.database import DatabaseResource

        with DatabaseResource().get_engine().connect() as conn:
            check_slugs(conn, org)
    result = build_default(out, org)
    typer.echo(
        f"{plural(result.pages, 'request page')}, {plural(result.written, 'file')} written, "
        f"{result.removed} removed, in {result.seconds:.2f} s",
        err=True,
    )
    typer.echo(str(result.index))
