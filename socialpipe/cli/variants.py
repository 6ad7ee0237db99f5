"""`socialpipe variants render`: every placement of a platform from any image, offline.

The same renderer as the `asset_variants` asset, without the database: the
placements come from core/platform_placements.toml.
"""

import json
from pathlib import Path

import typer
from rich.table import Table

from resources.wording import plural
from socialpipe.cli.output import stdout_console

app = typer.Typer(help="Platform variants.", no_args_is_help=True)
console = stdout_console()


@app.callback()
def main() -> None:
    """Platform variants: crops, sizes and byte limits of every placement (docs/PLACEMENTS.md)."""


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=code)


@app.command()
def render(
    image: Path = typer.Argument(..., help="The source image (JPEG, PNG, WebP, GIF or TIFF)."),
    platform: str = typer.Option(..., "--platform", help="Platform whose placements to render."),
    zones: Path | None = typer.Option(
        None,
        "--zones",
        help="JSON zones to keep whole: a list of {name, x, y, width, height}, or a template "
        "with text_zones/image_zones. Without it the crop is content-aware.",
    ),
    out: Path = typer.Option(..., "--out", help="Folder for the renditions (created)."),
    as_json: bool = typer.Option(False, "--json", help="Print the renditions as JSON."),
    misfit: str = typer.Option(
        "extend", help="Zones no crop can hold: extend (edge fill) or crop (cut the least)."
    ),
    interesting: str = typer.Option(
        "attention", help="Framing without zones: attention, entropy or centre."
    ),
) -> None:
    """Render every placement of PLATFORM from IMAGE, as JPEG (PNG if transparent) and WebP."""
    from assets.variants.decode import VariantInputError
    from assets.variants.encode import RenditionError
    from assets.variants.files import (
        VariantFilesError,
        check_output_folder,
        read_source,
        write_all,
    )
    from assets.variants.render import RenderOptions, render_variants
    from assets.variants.zones import ZonesFileError, nested_zones, read_zones_file
    from core.placements import UnknownPlacementError, placements_for

    try:
        targets = placements_for(platform)
        options = RenderOptions(misfit=misfit, interesting=interesting)
        boxes, canvas = read_zones_file(zones) if zones else ([], None)
        data = read_source(image)
        check_output_folder(out)
    except (UnknownPlacementError, ZonesFileError, VariantFilesError, ValueError) as error:
        raise _fail(str(error), code=2) from None
    for problem in nested_zones(boxes):
        typer.echo(f"warning: {zones}: {problem}; both are kept whole", err=True)
    if not zones:
        # stderr, so that --json output stays parseable
        typer.echo(
            "warning: no --zones: crops are content-aware (libvips attention) and may cut "
            "text or a logo; give the template's zones to keep them whole",
            err=True,
        )
    try:
        rendered = render_variants(data, targets, boxes, options, zone_canvas=canvas)
    except (VariantInputError, RenditionError) as error:
        raise _fail(f"{image}: {error}", code=2) from None
    files = [
        (f"{image.stem}-{platform}-{r.placement}.{r.extension}", r.data)
        for r in rendered.renditions
    ]
    try:
        paths = write_all(out, files)
    except VariantFilesError as error:
        raise _fail(str(error), code=2) from None
    rows = []
    for rendition, path in zip(rendered.renditions, paths, strict=True):
        rows.append(
            {
                "placement": rendition.placement,
                "format": rendition.format,
                "width": rendition.width,
                "height": rendition.height,
                "bytes": len(rendition.data),
                "quality": rendition.quality,
                "quality_score": rendition.quality_score,
                "path": str(path),
            }
        )
    if as_json:
        for note in rendered.notes:
            typer.echo(f"note: {note}", err=True)
        typer.echo(json.dumps(rows, indent=2))
        return
    for note in rendered.notes:
        console.print(f"note: {note}")
    table = Table(title=f"{plural(len(rows), 'rendition')} of {image.name} for {platform}")
    for column in ("placement", "format", "pixels", "KB", "quality", "SSIM", "file"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["placement"],
            row["format"],
            f"{row['width']}×{row['height']}",
            f"{row['bytes'] / 1024:.0f}",
            str(row["quality"] or "lossless"),
            f"{row['quality_score']:.4f}",
            Path(row["path"]).name,
        )
    console.print(table)
