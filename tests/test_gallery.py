"""The HTML gallery over the demo tenants: pages, images, badges, rules, escaping, the CLI."""

import uuid
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from dagster import materialize
from sqlalchemy import text
from typer.testing import CliRunner

from assets.approvals.definitions import content_approvals
from assets.compliance.definitions import asset_compliance
from assets.generation.definitions import generated_assets
from assets.generation.jobs import generated_assets_config
from assets.variants.definitions import asset_variants
from resources.database import DatabaseResource
from resources.image_providers import ImageProviderResource
from resources.image_store import ImageStoreResource
from socialpipe.cli.demo import pass_rate
from socialpipe.cli.gallery import app
from socialpipe.gallery import MediaLinks, build_gallery
from socialpipe.gallery.markup import el
from tests.generation_helpers import copy_request, first_request, fixed_id

HOSTILE_TITLE = '<script>alert("gallery")</script> & <b>bold</b>'
VOID = {"img", "meta", "br", "hr", "link"}


def _run_pipeline(world, request_ids: list) -> None:
    """Generate, score, render and route, as one content_generation run does."""
    ids = [str(i) for i in request_ids]
    downstream = {"request_ids": ids}
    result = materialize(
        [generated_assets, asset_compliance, asset_variants, content_approvals],
        resources={
            "database": DatabaseResource(url=world.url),
            "image_store": ImageStoreResource(root=str(world.media)),
            "image_provider": ImageProviderResource(default_provider="local"),
        },
        run_config={
            "ops": {
                **generated_assets_config(ids),
                "asset_compliance": {"config": downstream},
                "asset_variants": {"config": {**downstream, "workers": 1}},
                "content_approvals": {"config": downstream},
            }
        },
        raise_on_error=False,
    )
    assert result.success


@pytest.fixture(scope="module")
def made(demo_world) -> dict[str, uuid.UUID]:
    """Two brands' requests run through the pipeline (TikTok's PNG fails the strict brand's
    platform fit, so verdicts differ), one hostile title, one request never generated."""
    made = {}
    for brand, key in (("Northwind Coffee", "northwind"), ("Lumen Fitness", "lumen")):
        made[key] = copy_request(
            demo_world.engine,
            first_request(demo_world.engine, brand=brand),
            new_id=fixed_id(f"gallery/{key}"),
            target_platforms=["instagram", "tiktok"],
            style_preferences={"num_images": 1},
        )
    made["hostile"] = copy_request(
        demo_world.engine,
        first_request(demo_world.engine, brand="Lumen Fitness"),
        new_id=fixed_id("gallery/hostile"),
        title=HOSTILE_TITLE,
        content_brief=f"Brief with {HOSTILE_TITLE}",
        target_platforms=["x"],
        style_preferences={"num_images": 1},
    )
    made["empty"] = copy_request(
        demo_world.engine,
        first_request(demo_world.engine, brand="Lumen Fitness"),
        new_id=fixed_id("gallery/empty"),
    )
    _run_pipeline(demo_world, [made["northwind"], made["lumen"], made["hostile"]])
    return made


@pytest.fixture(scope="module")
def gallery(demo_world, made, tmp_path_factory):
    out = tmp_path_factory.mktemp("gallery")
    build = build_gallery(demo_world.engine, out, MediaLinks(Path(demo_world.media).resolve()))
    return build


def _rows(world, statement: str, **params) -> list[dict]:
    with world.engine.connect() as conn:
        return [dict(row) for row in conn.execute(text(statement), params).mappings()]


def _page(gallery, request_id) -> Path:
    return gallery.index.parent / "requests" / f"{request_id}.html"


class Page(HTMLParser):
    """The parts of a gallery page the tests look at, and whether its tags nest."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.errors: list[str] = []
        self.images: list[dict] = []
        self.links: list[str] = []
        self.scripts = 0
        self.assets: dict[str, dict] = {}  # asset id → verdict, badges, rules, variants
        self.text: list[str] = []

    def _asset(self) -> dict | None:
        for _, attrs in reversed(self.stack):
            if "asset" in attrs.get("class", "").split():
                return self.assets[attrs["data-asset-id"]]
        return None

    def handle_starttag(self, tag: str, attr_list) -> None:
        attrs = {name: value or "" for name, value in attr_list}
        classes = attrs.get("class", "").split()
        if tag == "script":
            self.scripts += 1
        if tag == "img":
            self.images.append(attrs)
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        if tag == "section" and "asset" in classes:
            self.assets[attrs["data-asset-id"]] = {
                "verdict": attrs["data-verdict"],
                "badges": [],
                "rules": [],
                "variants": [],
                "variant_images": [],
            }
        asset = self._asset()
        if asset is not None:
            if "badge" in classes:
                asset["badges"].append((attrs["data-verdict"], classes))
            if tag == "tr" and "rule" in classes:
                asset["rules"].append(attrs["data-rule"])
            if tag == "figure" and "variant" in classes:
                asset["variants"].append(attrs["data-variant-id"])
            if tag == "img" and any("variant" in a.get("class", "").split() for _, a in self.stack):
                asset["variant_images"].append(attrs)
        if tag not in VOID:
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            open_tag = self.stack[-1][0] if self.stack else None
            self.errors.append(f"</{tag}> closes <{open_tag}>")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    assert not page.errors, page.errors
    assert not page.stack, [tag for tag, _ in page.stack]
    return page


def test_an_index_and_one_page_per_request(demo_world, made, gallery) -> None:
    ids = {str(r["id"]) for r in _rows(demo_world, "select id from content_requests")}
    assert gallery.index.name == "index.html" and gallery.index.is_file()
    pages = {p.stem for p in (gallery.index.parent / "requests").glob("*.html")}
    assert pages == ids and gallery.pages == len(ids)
    linked = {
        href.split("/")[1].removesuffix(".html")
        for href in parse(gallery.index).links
        if href.startswith("requests/") and "#" not in href
    }
    assert linked == ids


def test_every_variant_is_shown_with_an_image_file_next_to_it(demo_world, made, gallery) -> None:
    for key in ("northwind", "lumen", "hostile"):
        page_path = _page(gallery, made[key])
        page = parse(page_path)
        variants = _rows(
            demo_world,
            "select v.id, v.parent_asset_id, v.file_path from asset_variants v "
            "join generated_assets g on g.id = v.parent_asset_id "
            "where g.content_request_id = :id",
            id=made[key],
        )
        shown = [v for asset in page.assets.values() for v in asset["variants"]]
        assert sorted(shown) == sorted(str(v["id"]) for v in variants)
        assert len(variants) > 0
        expected = {(Path(demo_world.media) / v["file_path"]).resolve() for v in variants}
        sources = [img["src"] for asset in page.assets.values() for img in asset["variant_images"]]
        assert len(sources) == len(variants)
        for src in sources:
            assert not urlsplit(src).scheme and not src.startswith("/"), src  # relative
        resolved = {(page_path.parent / unquote(src)).resolve() for src in sources}
        assert resolved == expected
        assert all(path.is_file() for path in resolved)


def test_badges_follow_the_validation_status(demo_world, made, gallery) -> None:
    seen = set()
    for key in ("northwind", "lumen"):
        page = parse(_page(gallery, made[key]))
        assets = _rows(
            demo_world,
            "select id, validation_status from generated_assets where content_request_id = :id",
            id=made[key],
        )
        assert {str(a["id"]) for a in assets} == set(page.assets)
        for asset in assets:
            shown = page.assets[str(asset["id"])]
            status = asset["validation_status"]
            assert shown["verdict"] == status
            assert shown["badges"] == [(status, ["badge", f"v-{status}"])]
            seen.add(status)
    assert seen  # whatever the verdicts were, each one was shown


def test_the_rule_table_has_a_row_per_rule_in_the_details(demo_world, made, gallery) -> None:
    for key in ("northwind", "lumen"):
        page = parse(_page(gallery, made[key]))
        for asset in _rows(
            demo_world,
            "select id, compliance_details from generated_assets where content_request_id = :id",
            id=made[key],
        ):
            rules = [rule["rule"] for rule in asset["compliance_details"]["rules"]]
            assert rules  # scored by the run
            assert page.assets[str(asset["id"])]["rules"] == rules


def test_what_users_wrote_is_escaped(made, gallery) -> None:
    for path in (_page(gallery, made["hostile"]), gallery.index):
        html = path.read_text(encoding="utf-8")
        page = parse(path)
        assert page.scripts == 0 and "<b>bold" not in html
        assert "&lt;script&gt;" in html
        assert HOSTILE_TITLE in "".join(page.text)  # shown as the text it is
        alts = [img["alt"] for img in page.images if HOSTILE_TITLE in img["alt"]]
        assert alts  # attributes carry it escaped too, and parse back whole


def test_a_request_without_images_still_gets_a_page(made, gallery) -> None:
    page = parse(_page(gallery, made["empty"]))
    assert page.assets == {} and page.images == []
    assert "No images generated for this request yet." in "".join(page.text)


def test_every_page_parses_and_every_image_has_a_source_and_a_text(gallery) -> None:
    paths = [gallery.index, *(gallery.index.parent / "requests").glob("*.html")]
    for path in paths:
        for img in parse(path).images:
            assert img.get("src") and img.get("alt"), (path.name, img)


def test_a_second_build_rewrites_nothing_and_drops_deleted_requests(
    demo_world, made, gallery
) -> None:
    out = gallery.index.parent
    stale = out / "requests" / f"{uuid.uuid4()}.html"
    stale.write_text("a request deleted since")
    pages = sorted((out / "requests").glob("*.html"))
    before = {p: p.stat().st_mtime_ns for p in pages if p != stale}
    again = build_gallery(demo_world.engine, out, MediaLinks(Path(demo_world.media).resolve()))
    assert again.written <= 1  # the index, when the minute of its build time changed
    assert again.removed == 1 and not stale.exists()
    assert {p: p.stat().st_mtime_ns for p in before} == before


def test_a_bucket_store_links_public_urls_and_never_a_broken_image(tmp_path) -> None:
    remote = MediaLinks(None)
    assert remote.src("o/r/a.png", "https://cdn.example.com/o/r/a.png", tmp_path) == (
        "https://cdn.example.com/o/r/a.png"
    )
    assert remote.src("o/r/a.png", "s3://bucket/o/r/a.png", tmp_path) is None
    local = MediaLinks(tmp_path / "media")
    (tmp_path / "media" / "o").mkdir(parents=True)
    (tmp_path / "media" / "o" / "a.png").write_bytes(b"png")
    assert local.src("o/a.png", None, tmp_path / "gallery" / "requests") == "../../media/o/a.png"
    assert local.src("o/missing.png", None, tmp_path) is None
    assert local.src("../etc/passwd", None, tmp_path) is None


def test_markup_escapes_text_and_attributes() -> None:
    assert el("p", "<i>", title='"x"') == '<p title="&quot;x&quot;">&lt;i&gt;</p>'
    assert el("img", src="a.png", alt="", loading=None) == '<img src="a.png" alt="">'


def test_the_pass_rate_counts_passed_and_warnings_over_scored_images() -> None:
    verdicts = {"passed": 3, "passed_with_warnings": 1, "rejected": 1, "pending": 5}
    assert pass_rate(verdicts) == "80.0% (4 of 5)"
    assert pass_rate({"pending": 2}) == "no scored images yet"


def test_the_cli_builds_one_organization_and_prints_the_index(
    demo_world, made, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", demo_world.url)
    monkeypatch.setenv("IMAGE_STORE_URL", str(demo_world.media))
    (slug,) = [
        r["slug"]
        for r in _rows(
            demo_world,
            "select o.slug from organizations o join content_requests r "
            "on r.organization_id = o.id where r.id = :id",
            id=made["lumen"],
        )
    ]
    result = CliRunner().invoke(app, ["build", "--out", str(tmp_path / "g"), "--org", slug])
    assert result.exit_code == 0, result.output
    index = Path(result.stdout.strip().splitlines()[-1])
    assert index == (tmp_path / "g" / "index.html").resolve() and index.is_file()
    ids = {
        str(r["id"])
        for r in _rows(
            demo_world,
            "select r.id from content_requests r join organizations o "
            "on o.id = r.organization_id where o.slug = :slug",
            slug=slug,
        )
    }
    assert {p.stem for p in (index.parent / "requests").glob("*.html")} == ids

    unknown = CliRunner().invoke(app, ["build", "--out", str(tmp_path / "x"), "--org", "nope"])
    assert unknown.exit_code == 2 and "slug 'nope'; known: " in unknown.stderr
    assert slug in unknown.stderr  # the choices are listed
