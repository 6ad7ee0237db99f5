"""Bad input never crashes a command: the installed `socialpipe`, run as a subprocess.

Every case is something a person could hand a command (a file, a value, an option)
that once printed a traceback, hung, or ate memory. Each must end with exit code 2,
the reason on one line of stderr naming the field or file, no traceback, and
nothing written (no rendition files, no settings row).
"""

import json
import os
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import text

from tests.cli_runner import REPO_ROOT
from tests.variant_images import png_bomb

# complete, so that a case's output is its error, not notes about what the kit lacks
GOOD_KIT = {
    "color_palette": ["#0A3D62", "#F5A623", "#FFFFFF"],
    "primary_color": "#0A3D62",
    "secondary_color": "#F5A623",
    "accent_color": "#FFFFFF",
    "primary_font": "DejaVu Sans",
    "secondary_font": "DejaVu Sans",
}
DEEP = "[" * 100_000 + "]" * 100_000


@dataclass
class Case:
    name: str
    args: list[str]  # "{d}" stands for the cases' folder
    expected: str  # words of the one line that says what is wrong
    files: dict[str, bytes | str | dict] = field(default_factory=dict)
    stdin: bytes | None = None
    settings_key: str | None = None  # a setting that must not exist afterwards


def kit(**columns: object) -> dict:
    return {**GOOD_KIT, **columns}


def check(*extra: str, image: str = "{d}/good.png") -> list[str]:
    return ["compliance", "check", image, *extra]


def with_kit(name: str, *extra: str, image: str = "{d}/good.png") -> list[str]:
    return check("--brand-kit", f"{{d}}/{name}", *extra, image=image)


def render(*extra: str, image: str = "{d}/good.png", out: str = "{d}/out") -> list[str]:
    return ["variants", "render", image, "--platform", "instagram", "--out", out, *extra]


def zones(name: str) -> list[str]:
    return render("--zones", f"{{d}}/{name}")


def setting(*args: str) -> tuple[list[str], str]:
    key = f"bad.{uuid.uuid4().hex[:10]}"
    return ["settings", "set", "features", key, *args], key


def setting_case(name: str, expected: str, *args: str, stdin: bytes | None = None) -> Case:
    arguments, key = setting(*args)
    return Case(name, arguments, expected, stdin=stdin, settings_key=key)


ZONE = {"name": "logo", "x": 10, "y": 10, "width": 50, "height": 50}

CASES = [
    # compliance check: the render metadata
    Case(
        "render metadata not JSON",
        with_kit("kit.json", "--render-metadata", "{d}/meta.json"),
        "meta.json: not valid JSON",
        {"meta.json": "{not json"},
    ),
    Case(
        "render metadata with NaN",
        with_kit("kit.json", "--render-metadata", "{d}/nan-meta.json"),
        "NaN is not a number JSON allows",
        {"nan-meta.json": '{"canvas": NaN}'},
    ),
    Case(
        "render metadata latin-1",
        with_kit("kit.json", "--render-metadata", "{d}/latin.json"),
        "latin.json: not UTF-8 text",
        {"latin.json": b'{"name": "caf\xe9"}'},
    ),
    Case(
        "render metadata 100k nested arrays",
        with_kit("kit.json", "--render-metadata", "{d}/deep.json"),
        "deep.json: not valid JSON (nested 100000 levels deep",
        {"deep.json": DEEP},
    ),
    Case(
        "render metadata a device",
        with_kit("kit.json", "--render-metadata", "/dev/zero"),
        "/dev/zero is not a file",
    ),
    # compliance check: the kit file and the logo it names
    Case(
        "kit logo is /dev/zero",
        with_kit("zero-logo.json"),
        "/dev/zero: cannot be read (not a regular file)",
        {"zero-logo.json": kit(logo_primary_url="/dev/zero")},
    ),
    Case(
        "kit logo is a folder",
        with_kit("folder-logo.json"),
        "cannot be read (not a regular file)",
        {"folder-logo.json": kit(logo_primary_url="."), "sub/.keep": ""},
    ),
    Case(
        "kit logo over the size cap",
        with_kit("big-logo.json"),
        "more than 20,971,520 bytes",
        {"big-logo.json": kit(logo_primary_url="big.png")},
    ),
    Case(
        "kit logo a decompression bomb",
        with_kit("bomb-logo.json"),
        "decompression-bomb protection",
        {"bomb-logo.json": kit(logo_primary_url="bomb.png"), "bomb.png": png_bomb(30_000, 30_000)},
    ),
    Case(
        "kit logo not an image",
        with_kit("text-logo.json"),
        "not an image in a supported format",
        {"text-logo.json": kit(logo_primary_url="notes.txt"), "notes.txt": "hello"},
    ),
    Case(
        "kit minimum score 1000",
        with_kit("score-1000.json"),
        "minimum_compliance_score: Input should be less than or equal to 100",
        {"score-1000.json": kit(minimum_compliance_score=1000)},
    ),
    Case(
        "kit minimum score negative",
        with_kit("score-neg.json"),
        "minimum_compliance_score: Input should be greater than or equal to 0",
        {"score-neg.json": kit(minimum_compliance_score=-5)},
    ),
    Case(
        "kit minimum score NaN (YAML)",
        with_kit("score-nan.yaml"),
        "minimum_compliance_score: Input should be a finite number",
        # JSON is YAML; `.nan` is YAML's NaN
        {"score-nan.yaml": json.dumps(GOOD_KIT)[:-1] + ', "minimum_compliance_score": .nan}'},
    ),
    Case(
        "kit minimum score a word",
        with_kit("score-word.json"),
        "minimum_compliance_score: Input should be a valid number",
        {"score-word.json": kit(minimum_compliance_score="high")},
    ),
    Case(
        "kit enforcement level unknown",
        with_kit("level.json"),
        "enforcement_level",
        {"level.json": kit(enforcement_level="extreme")},
    ),
    Case(
        "kit JSON with Infinity",
        with_kit("inf-kit.json"),
        "Infinity is not a number JSON allows",
        {"inf-kit.json": '{"color_palette": ["#0A3D62"], "minimum_compliance_score": Infinity}'},
    ),
    Case(
        "kit JSON 100k nested",
        with_kit("deep-kit.json"),
        "nested 100000 levels deep",
        {"deep-kit.json": DEEP},
    ),
    Case(
        "kit YAML 100k nested",
        with_kit("deep-kit.yaml"),
        "deep-kit.yaml",
        {"deep-kit.yaml": DEEP},
    ),
    Case(
        "kit file binary",
        with_kit("binary.json"),
        "not UTF-8 text",
        {"binary.json": bytes(range(256)) * 4},
    ),
    Case(
        "kit file a list",
        with_kit("list-kit.json"),
        "must hold an object of brand_profiles columns",
        {"list-kit.json": "[1, 2]"},
    ),
    Case(
        "kit file over 1 MB",
        with_kit("huge-kit.yaml"),
        "more than 1,048,576 bytes",
        {"huge-kit.yaml": "#" * 1_100_000},
    ),
    Case(
        "kit file a device",
        check("--brand-kit", "/dev/zero"),
        "/dev/zero is not a file",
    ),
    Case(
        "kit unknown column",
        with_kit("typo.json"),
        "unknown key(s) primary_colour",
        {"typo.json": kit(primary_colour="#112233")},
    ),
    Case(
        "kit palette bad hex",
        with_kit("hex.json"),
        "color_palette[0].hex",
        {"hex.json": {"color_palette": ["#12G"]}},
    ),
    Case(
        "kit palette weight negative",
        with_kit("weight.json"),
        "color_palette[0].weight",
        {"weight.json": {"color_palette": [{"hex": "#0A3D62", "weight": -1}]}},
    ),
    Case(
        "kit palette an object",
        with_kit("palette-object.json"),
        "color_palette: must be a list of colours",
        {"palette-object.json": {"color_palette": {"hex": "#0A3D62"}}},
    ),
    Case(
        "kit font a list",
        with_kit("font.json"),
        "primary_font",
        {"font.json": kit(primary_font=["Inter"])},
    ),
    # compliance check: the image and the options
    Case("image a folder", check("--brand-kit", "{d}/kit.json", image="{d}"), "is not a file"),
    Case(
        "image a decompression bomb",
        with_kit("kit.json", image="{d}/bomb.png"),
        "refused without decoding",
    ),
    Case(
        "image not an image",
        with_kit("kit.json", image="{d}/notes.txt"),
        "notes.txt",
    ),
    Case("no kit at all", check(), "give exactly one of --brand-profile or --brand-kit"),
    Case("unknown platform", with_kit("kit.json", "--platform", "myspace"), "myspace"),
    Case("unknown placement", with_kit("kit.json", "--placement", "banner"), "banner"),
    # variants render: where the renditions go
    Case("out names a file", render(out="{d}/good.png"), "is not a folder"),
    Case("out below a file", render(out="{d}/good.png/sub"), "cannot write there"),
    Case("out in /proc", render(out="/proc/socialpipe-out"), "cannot write there"),
    # variants render: the zones file
    Case(
        "zones format a list",
        zones("fmt-list.json"),
        "format_specifications must be an object",
        {"fmt-list.json": {"format_specifications": [1080, 1080], "text_zones": [ZONE]}},
    ),
    Case(
        "zones text_zones an object",
        zones("tz-object.json"),
        "text_zones and image_zones must be lists",
        {"tz-object.json": {"text_zones": ZONE}},
    ),
    Case(
        "zones a zone is a list",
        zones("zone-list.json"),
        "needs numeric x, y, width and height",
        {"zone-list.json": [[10, 10, 50, 50]]},
    ),
    Case(
        "zones NaN",
        zones("zones-nan.json"),
        "NaN is not a number JSON allows",
        {"zones-nan.json": '[{"name": "logo", "x": NaN, "y": 1, "width": 5, "height": 5}]'},
    ),
    Case(
        "zones Infinity as text",
        zones("zones-inf.json"),
        "has a number that is not finite",
        {"zones-inf.json": [{**ZONE, "width": "Infinity"}]},
    ),
    Case(
        "zones 1e999",
        zones("zones-big.json"),
        "1e999 is too large for a number",
        {"zones-big.json": '[{"name": "logo", "x": 1e999, "y": 1, "width": 5, "height": 5}]'},
    ),
    Case(
        "zones far off any image",
        zones("zones-far.json"),
        "lies beyond 1,000,000 pixels",
        {"zones-far.json": [{**ZONE, "x": 1e12}]},
    ),
    Case(
        "zones canvas NaN as text",
        zones("canvas-nan.json"),
        "format_specifications.width must be a number of pixels",
        {"canvas-nan.json": {"format_specifications": {"width": "NaN", "height": 5}}},
    ),
    Case(
        "zones empty box",
        zones("zones-empty.json"),
        "is empty or off the canvas",
        {"zones-empty.json": [{**ZONE, "width": 0}]},
    ),
    Case(
        "zones 100k nested",
        zones("zones-deep.json"),
        "nested 100000 levels deep",
        {"zones-deep.json": DEEP},
    ),
    Case("zones a device", render("--zones", "/dev/zero"), "/dev/zero: not a regular file"),
    # variants render: the source image and options
    Case("image /dev/zero", render(image="/dev/zero"), "/dev/zero: not a regular file"),
    Case("image truncated", render(image="{d}/truncated.jpg"), "truncated.jpg"),
    Case("image empty", render(image="{d}/empty.png"), "empty file"),
    Case("misfit unknown", render("--misfit", "stretch"), "stretch"),
    # settings set: values the database or the pipeline cannot hold
    # (from stdin: one argument may not exceed 128 KiB)
    setting_case(
        "setting 100k nested arrays",
        "nests 100000 levels deep",
        "-",
        "--type",
        "json",
        stdin=DEEP.encode(),
    ),
    setting_case(
        "setting escaped NUL in JSON", "NUL character", '{"a": "x\\u0000y"}', "--type", "json"
    ),
    setting_case("setting NUL from stdin", "NUL character", "-", stdin=b"ab\x00cd"),
    setting_case("setting stdin not UTF-8", "on stdin is not UTF-8 text", "-", stdin=b"caf\xe9"),
    setting_case(
        "setting over 64 KiB", "bytes of JSON; at most 65,536", json.dumps(["x" * 70_000])
    ),
    setting_case("setting NaN", "non-finite number", "[NaN]", "--type", "json"),
    setting_case("setting not an integer", "the value is not an integer", "x", "--type", "integer"),
    # the options of other commands, from earlier issues
    Case(
        "approval id not a UUID",
        ["approvals", "decide", "nope", "--approve", "--as", "a@b.c"],
        "not an approval id",
    ),
    Case("job status unknown", ["jobs", "list", "--status", "lost"], "lost"),
]


def _write(folder: Path) -> None:
    for case in CASES:
        for name, content in case.files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, dict | list):
                content = json.dumps(content)
            if isinstance(content, str):
                content = content.encode()
            path.write_bytes(content)
    (folder / "kit.json").write_text(json.dumps(GOOD_KIT))
    Image.new("RGB", (64, 64), "#0A3D62").save(folder / "good.png")
    (folder / "bomb.png").write_bytes(png_bomb(30_000, 30_000))
    (folder / "notes.txt").write_text("hello")
    (folder / "empty.png").write_bytes(b"")
    Image.new("RGB", (200, 200), "#F5A623").save(folder / "full.jpg", "JPEG")
    (folder / "truncated.jpg").write_bytes((folder / "full.jpg").read_bytes()[:300])
    # sparse: 21 MB that take no disk
    with (folder / "big.png").open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)


def _run(case: Case, folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    args = [arg.replace("{d}", str(folder)) for arg in case.args]
    return subprocess.run(
        [sys.executable, "-m", "socialpipe.cli", *args],
        cwd=REPO_ROOT,
        env=env,
        input=case.stdin if case.stdin is not None else b"",
        capture_output=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory, database_url) -> tuple[Path, dict[str, tuple]]:
    """Every case run once (two at a time), with the files found afterwards."""
    folder = tmp_path_factory.mktemp("bad-inputs")
    _write(folder)
    before = {path for path in folder.rglob("*")}
    # wide: a reason is never wrapped onto a second line by the terminal width
    env = {**os.environ, "DATABASE_URL": database_url, "COLUMNS": "500", "TERMINAL_WIDTH": "500"}
    env.pop("SOCIALPIPE_SECRET_KEY", None)
    with ThreadPoolExecutor(max_workers=2) as pool:
        ran = pool.map(lambda case: _run(case, folder, env), CASES)
        results = {case.name: result for case, result in zip(CASES, ran, strict=True)}
    written = {path for path in folder.rglob("*")} - before
    return written, results


def test_there_are_at_least_forty_cases():
    assert len({case.name for case in CASES}) == len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_bad_input_is_one_clear_line_and_exit_2(outcomes, case: Case, engine):
    written, results = outcomes
    result = results[case.name]
    stderr = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    assert result.returncode == 2, stderr + result.stdout.decode("utf-8", "replace")
    lines = [line for line in stderr.splitlines() if case.expected in line]
    assert len(lines) == 1, stderr
    # a short message (with click's usage lines), not a dump
    assert len(stderr.splitlines()) <= 6, stderr
    assert written == set(), "nothing written"
    if case.settings_key:
        with engine.connect() as conn:
            stored = conn.execute(
                text("select count(*) from system_settings where setting_key = :key"),
                {"key": case.settings_key},
            ).scalar_one()
        assert stored == 0
