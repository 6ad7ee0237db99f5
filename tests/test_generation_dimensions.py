"""generated_assets.dimensions is the written file's: width, height and format, checked by
a blocking asset check that reads the files; migration 0012 repairs rows from before."""

import io
from collections.abc import Callable

from alembic import command
from dagster import materialize
from PIL import Image
from psycopg.types.json import Jsonb
from sqlalchemy import create_engine, text

from assets.generation.definitions import generated_assets, generated_assets_record_their_files
from assets.generation.file_facts import dimension_problems, image_dimensions
from assets.generation.jobs import generated_assets_config
from resources.database import DatabaseResource
from resources.image_providers import ImageProviderResource
from resources.image_store import ImageStoreResource
from resources.migrations import alembic_config, upgrade
from tests.factories import make_generated_asset, make_tenant
from tests.generation_helpers import asset_rows, copy_request, first_demo_row


def _encoded(width: int, height: int, image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(buffer, format=image_format)
    return buffer.getvalue()


def test_the_dimensions_are_the_files_header_not_a_requested_size() -> None:
    assert image_dimensions(_encoded(1080, 1920, "PNG")) == {
        "width": 1080,
        "height": 1920,
        "format": "png",
    }
    assert image_dimensions(_encoded(33, 7, "WEBP"))["format"] == "webp"
    assert image_dimensions(_encoded(33, 7, "JPEG"))["format"] == "jpeg"


def test_a_story_recorded_at_the_platforms_primary_size_is_a_problem() -> None:
    files = {"story.png": _encoded(1080, 1920, "PNG"), "square.png": _encoded(64, 64, "PNG")}
    rows = [
        {"file_path": "story.png", "dimensions": {"width": 1080, "height": 1080, "format": "png"}},
        {"file_path": "square.png", "dimensions": {"width": 64, "height": 64, "format": "png"}},
        {"file_path": "gone.png", "dimensions": {"width": 1, "height": 1, "format": "png"}},
    ]

    def read(key: str) -> bytes:
        if key not in files:
            raise FileNotFoundError(key)
        return files[key]

    problems = dimension_problems(rows, read)
    assert len(problems) == 2
    assert problems[0].startswith("story.png: file 1080x1920 png, row 1080x1080 png")
    assert problems[1].startswith("gone.png:")
    # a row without the format is not the file's record yet
    rows[1]["dimensions"] = {"width": 64, "height": 64}
    assert len(dimension_problems(rows[1:2], read)) == 1


def test_every_generated_row_records_its_file_and_the_blocking_check_passes(demo_world) -> None:
    # a story template: its master is 1080x1920, not the platform's primary 1080x1080
    # a demo request of its own, never a copy another test made (and may have broken)
    with demo_world.engine.connect() as conn:
        candidates = conn.execute(
            text(
                "select r.id, t.id as story, o.slug, r.title from content_requests as r "
                "join organizations as o on o.id = r.organization_id "
                "join content_templates as t on t.brand_profile_id = r.brand_profile_id "
                "where t.platform = 'instagram' and t.format_specifications ->> 'placement' "
                "= 'story' and 'instagram' = any(r.target_platforms) order by r.id"
            )
        ).all()
    chosen = first_demo_row(candidates)
    source, story = chosen.id, chosen.story
    request_id = copy_request(demo_world.engine, source, template_id=story)
    result = materialize(
        [generated_assets, generated_assets_record_their_files],
        resources={
            "database": DatabaseResource(url=demo_world.url),
            "image_store": ImageStoreResource(root=str(demo_world.media)),
            "image_provider": ImageProviderResource(default_provider="local"),
        },
        run_config={"ops": generated_assets_config([str(request_id)])},
        raise_on_error=False,
    )
    assert result.success
    rows = asset_rows(demo_world.engine, request_id)
    assert any((r["platform"], r["dimensions"]["height"]) == ("instagram", 1920) for r in rows)
    for row in rows:
        data = (demo_world.media / row["file_path"]).read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            actual = {"width": image.width, "height": image.height}
            assert row["file_path"].endswith({"PNG": ".png", "WEBP": ".webp"}[image.format])
        assert {k: row["dimensions"][k] for k in actual} == actual
    (evaluation,) = result.get_asset_check_evaluations()
    assert evaluation.passed
    assert evaluation.metadata["images_checked"].value == len(rows)


def test_0012_repairs_a_master_recorded_at_the_wrong_size_and_keeps_every_row(
    make_database: Callable[[], str],
) -> None:
    url = make_database()
    command.upgrade(alembic_config(url), "0011")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            tenant = make_tenant(conn)
            request, brand = tenant["content_requests"], tenant["brand_profiles"]
            story = make_generated_asset(
                conn,
                request,
                brand,
                variant_type="alternate_1",
                file_path="o/r/instagram-alternate_1-abc.webp",
                dimensions=Jsonb({"width": 1080, "height": 1080}),
                generation_parameters=Jsonb(
                    {"render": {"canvas": {"width": 1080, "height": 1920}}}
                ),
            )
            history = make_generated_asset(
                conn,
                request,
                brand,
                platform="linkedin",
                file_path="o/generated/r/linkedin.jpg",
                dimensions=Jsonb({"width": 1200, "height": 627}),
            )
            count = conn.execute(text("select count(*) from generated_assets")).scalar_one()
        upgrade(url)
        with engine.connect() as conn:
            dimensions = dict(
                conn.execute(
                    text("select id, dimensions from generated_assets where id in (:a, :b)"),
                    {"a": story, "b": history},
                ).all()
            )
            assert conn.execute(text("select count(*) from generated_assets")).scalar_one() == count
        assert dimensions[story] == {"width": 1080, "height": 1920, "format": "webp"}
        # no render record: the size stays, the format comes from the file's name
        assert dimensions[history] == {"width": 1200, "height": 627, "format": "jpeg"}
    finally:
        engine.dispose()
