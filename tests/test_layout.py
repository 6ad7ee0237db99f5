"""The tree's layout holds: layers import downward only, and every asset is defined in
its stage's folder (README "Where things are")."""

import importlib
import inspect
import subprocess
import sys
from pathlib import Path

from dagster import Definitions

REPO_ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def test_the_layer_contracts_hold() -> None:
    """import-linter's contracts in pyproject.toml: core <- resources <- assets <-
    pipeline_defs <- socialpipe, no cycles between stages, core free of Dagster."""
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    """The contract is not vacuous: the same configuration fails on a copy of the tree
    where a resource imports an asset module."""
    copy = tmp_path / "tree"
    copy.mkdir()
    for name in ("core", "resources", "assets", "pipeline_defs", "socialpipe"):
        subprocess.run(["cp", "-r", str(REPO_ROOT / name), str(copy / name)], check=True)
    (copy / "pyproject.toml").write_text((REPO_ROOT / "pyproject.toml").read_text())
    upward = copy / "resources" / "paths.py"
    upward.write_text(upward.read_text() + "\nimport assets.catalog  # noqa\n")
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=copy,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0
    assert "resources.paths -> assets.catalog" in result.stdout


def test_every_asset_is_defined_in_its_stage_folder() -> None:
    """From an asset's group in the UI to its folder in one hop: the asset's group names
    assets/<group>/, whose definitions.py exports it in its Definitions."""
    from pipeline_defs.definitions import defs

    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        group = graph.get(key).group_name
        module = importlib.import_module(f"assets.{group}.definitions")
        stage: Definitions = module.defs
        keys = {spec_key for a in stage.assets or [] for spec_key in _keys(a)}
        assert key in keys, f"{key.to_user_string()} is not in assets/{group}/definitions.py"


def test_the_code_location_only_merges_the_stages() -> None:
    """pipeline_defs/ defines no asset, job, sensor or schedule of its own."""
    for path in (REPO_ROOT / "pipeline_defs").glob("*.py"):
        source = path.read_text()
        for decorator in ("@asset", "@sensor", "@schedule", "@job", "define_asset_job("):
            assert decorator not in source, f"{path.name} defines {decorator}"
    module = importlib.import_module("pipeline_defs.definitions")
    assert "Definitions.merge" in inspect.getsource(module)


def _keys(definition) -> set:
    if hasattr(definition, "keys"):
        return set(definition.keys)
    return {definition.key}


def test_the_readme_layout_table_matches_the_tree() -> None:
    """README's "Layout" names every top-level package and every stage folder, and every
    folder and file it names under them exists."""
    readme = (REPO_ROOT / "README.md").read_text()
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in layout.splitlines() if line.startswith("| `")]
    named = {row.split("`")[1].rstrip("/") for row in rows}
    packages = {p.parent.name for p in REPO_ROOT.glob("*/__init__.py")} - {"tests", "benchmarks"}
    assert packages <= named, f"not in README's layout: {sorted(packages - named)}"
    stages = {p.parent.name for p in (REPO_ROOT / "assets").glob("*/definitions.py")}
    for row in rows:
        top = row.split("`")[1].rstrip("/")
        cells = row.split("|")[2]
        for stage in stages if top == "assets" else ():
            assert f"`{stage}/`" in cells, f"assets/{stage}/ is not in README's layout"
        if top not in packages:
            continue
        for name in [part for part in cells.split("`")[1::2] if "." in part or part.endswith("/")]:
            if " " in name or name.startswith(("docs/", "make")) or "<" in name:
                continue
            found = list((REPO_ROOT / top).rglob(name.rstrip("/")))
            assert found, f"README's layout names {top}/…/{name}, which is not in the tree"
