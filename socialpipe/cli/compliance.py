"""`socialpipe compliance check`: score any image file against a brand kit.

The kit comes from the database (``--brand-profile``: an id or a brand name) or
from a JSON/YAML file whose keys are brand_profiles column names, with
``logo_primary_url`` allowed to be a local path (assets/compliance/kit_file.py).
Exit status: 0 passed (or passed with warnings), 1 needs review or rejected, 2 bad input.
"""

import json
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from socialpipe.cli.output import stdout_console

if TYPE_CHECKING:
    from assets.brand_kits import BrandKit
    from assets.compliance.results import ComplianceResult
    from core.placements import Placement

app = typer.Typer(help="Brand compliance of images.", no_args_is_help=True)
console = stdout_console()

FAILING = ("needs_review", "rejected")


@app.callback()
def compliance() -> None:
    """Brand compliance of images."""


# ---- the brand kit ------------------------------------------------------------------------


def kit_from_database(reference: str) -> "BrandKit":
    """The brand profile with this id (or this name) and its brand assets, from the database."""
    from assets.brand_kits import load_brand_kit
    from resources.database import DatabaseResource
    from resources.image_store import ImageStoreResource
    from resources.sql_files import sql

    with DatabaseResource().get_engine().connect() as conn:
        try:
            rows = conn.execute(
                sql("brand_kits/load_brand_kit"), {"brand_profile_id": uuid.UUID(reference)}
            )
        except ValueError:
            rows = conn.execute(sql("compliance/brand_profiles_named"), {"name": reference})
        profiles = rows.mappings().all()
        if not profiles:
            names = conn.execute(sql("compliance/brand_profile_names")).scalars().all()
            raise typer.BadParameter(
                f"no brand profile matches {reference!r}; known: {', '.join(names) or 'none'}"
            )
        if len(profiles) > 1:
            raise typer.BadParameter(
                f"{len(profiles)} brand profiles are named {reference!r}; give its id"
            )
        assets = conn.execute(
            sql("brand_kits/load_brand_assets"), {"brand_profile_id": profiles[0]["id"]}
        )
        return load_brand_kit(
            profiles[0], assets.mappings().all(), ImageStoreResource().get_store().read
        )


# ---- the placement ------------------------------------------------------------------------


def resolve_placement(
    platform: str | None, placement: str | None, size: tuple[int, int], hint: str | None
) -> "tuple[Placement | None, str]":
    """The placement to check against, and how it was chosen."""
    from core.placements import all_placements, primary_placement

    known = all_placements()
    if placement and "." in placement and not platform:
        platform, placement = placement.split(".", 1)
    if platform and platform not in {p.platform for p in known}:
        names = ", ".join(sorted({p.platform for p in known}))
        raise typer.BadParameter(f"unknown platform {platform!r}; known: {names}")
    if placement:
        found = [p for p in known if p.placement == placement and p.platform in (platform, None)]
        found = found or [p for p in known if p.placement == placement and not platform]
        if len(found) != 1:
            options = ", ".join(p.key for p in known if not platform or p.platform == platform)
            why = "ambiguous: add --platform" if found else "unknown"
            raise typer.BadParameter(f"placement {placement!r} is {why}; known: {options}")
        return found[0], "as given"
    same_size = [p for p in known if (p.width, p.height) == size]
    if platform:
        sized = [p for p in same_size if p.platform == platform]
        if sized:
            return sized[0], "the platform's placement of this size"
        return primary_placement(platform), "the platform's primary placement"
    hinted = next((p for p in known if p.key == hint), None)
    if hinted is not None:
        return hinted, "from the render metadata"
    if same_size:
        return same_size[0], "recognised from the image size"
    return None, "none: give --platform to check the platform fit"


# ---- output -------------------------------------------------------------------------------


def _show(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return str(value)


def _mark(passed: bool | None) -> str:
    return {True: "[green]✓ pass[/]", False: "[red]✗ fail[/]", None: "[dim]– n/a[/]"}[passed]


def print_result(result: "ComplianceResult", image: Path, how: str) -> None:
    colour = {"passed": "green", "passed_with_warnings": "yellow"}.get(result.status, "red")
    info = result.image
    console.print(
        f"{image.name}: {info['width']}×{info['height']} {(info['format'] or '?').upper()}, "
        f"placement {result.placement or '–'} ({how})"
    )
    for note in info.get("conversions") or []:
        console.print(f"  [dim]{note}[/]")
    table = Table(show_lines=False)
    for column in ("rule", "result", "value", "threshold", "weight"):
        table.add_column(column, no_wrap=True)
    table.add_column("message", overflow="fold", min_width=24)
    for rule in result.rules:
        table.add_row(
            rule.rule,
            _mark(rule.passed),
            _show(rule.value),
            _show(rule.threshold),
            _show(rule.weight),
            rule.message,
        )
        for check in rule.checks:
            table.add_row(
                f"  [dim]{check.check}[/]",
                _mark(check.passed),
                _show(check.value),
                _show(check.threshold),
                "",
                f"[dim]{check.message}[/]",
            )
    console.print(table)
    console.print(
        f"score [bold]{result.score:.1f}[/] / 100 → [bold {colour}]{result.status}[/] "
        f"({result.enforcement_level} enforcement, minimum {result.minimum_score:g})"
    )


@app.command()
def check(
    image: Path = typer.Argument(..., help="The image file to score (PNG, JPEG, WebP, …)."),
    brand_profile: str | None = typer.Option(
        None, "--brand-profile", help="A brand_profiles id (or exact name) in the database."
    ),
    brand_kit: Path | None = typer.Option(
        None, "--brand-kit", help="A JSON or YAML file whose keys are brand_profiles columns."
    ),
    platform: str | None = typer.Option(None, "--platform", help="e.g. instagram, tiktok."),
    placement: str | None = typer.Option(
        None, "--placement", help="e.g. story, or instagram.story; default: from the size."
    ),
    render_metadata: Path | None = typer.Option(
        None,
        "--render-metadata",
        help="The renderer's metadata (JSON, generation_parameters.render): "
        "adds the text contrast, safe-zone and font rules.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print score, status and rules as JSON."),
) -> None:
    """Score IMAGE against a brand kit: palette, logo, text contrast, platform fit, safe
    zones, fonts. Exits 0 when it passes, 1 when it needs review or is rejected."""
    from assets.brand_kits import BrandKitError
    from assets.compliance.images import ImageRefusedError, load_image
    from assets.compliance.kit_file import kit_from_file
    from assets.compliance.scorer import score
    from resources.input_files import InputFileError, read_json_file

    if (brand_profile is None) == (brand_kit is None):
        raise typer.BadParameter("give exactly one of --brand-profile or --brand-kit")
    for path in (image, brand_kit, render_metadata):
        if path is not None and not path.is_file():
            raise typer.BadParameter(f"{path} is not a file")
    try:
        loaded = load_image(image)
    except ImageRefusedError as error:
        raise typer.BadParameter(f"{image}: {error}") from None
    try:
        metadata = read_json_file(render_metadata) if render_metadata else None
    except InputFileError as error:
        raise typer.BadParameter(f"--render-metadata {error}") from None
    if isinstance(metadata, Mapping) and isinstance(metadata.get("render"), Mapping):
        metadata = metadata["render"]  # a whole generation_parameters document
    try:
        kit = kit_from_file(brand_kit) if brand_kit else kit_from_database(brand_profile)
    except BrandKitError as error:
        raise typer.BadParameter(str(error)) from None
    hint = metadata.get("placement") if isinstance(metadata, Mapping) else None
    chosen, how = resolve_placement(platform, placement, (loaded.width, loaded.height), hint)
    result = score(loaded, kit, chosen, metadata)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2))
    else:
        print_result(result, image, how)
    if result.status in FAILING:
        raise typer.Exit(code=1)
