"""Bad input fails only its own request, with a reason that says what and why."""

import io
import struct
import uuid
import zlib
from datetime import UTC, datetime

import pytest
from PIL import Image
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.factories import make_user
from tests.generation_helpers import (
    asset_rows,
    copy_request,
    files_of_request,
    generate,
    metadata_of,
    request_row,
)


def _clone_brand(engine, brand_id, *, templates: bool = True, logo: bool = True, **changes):
    """A copy of a demo brand (own id and name) with its logo and templates."""
    new_id = uuid.uuid4()
    with engine.begin() as conn:
        conn.execute(
            text(
                "insert into brand_profiles (id, organization_id, name, primary_color, "
                "secondary_color, accent_color, color_palette, primary_font, secondary_font, "
                "logo_primary_url, brand_voice_tone, enforcement_level, minimum_compliance_score) "
                "select :new_id, organization_id, name || ' ' || :suffix, primary_color, "
                "secondary_color, accent_color, color_palette, primary_font, secondary_font, "
                "logo_primary_url, brand_voice_tone, enforcement_level, minimum_compliance_score "
                "from brand_profiles where id = :brand_id"
            ),
            {"new_id": new_id, "brand_id": brand_id, "suffix": new_id.hex[:8]},
        )
        if logo:
            conn.execute(
                text(
                    "insert into brand_assets (brand_profile_id, name, asset_type, file_path, "
                    "file_url, file_size_bytes, dimensions, tags) "
                    "select :new_id, name, asset_type, file_path, file_url, file_size_bytes, "
                    "dimensions, tags from brand_assets "
                    "where brand_profile_id = :brand_id and asset_type = 'logo'"
                ),
                {"new_id": new_id, "brand_id": brand_id},
            )
        if templates:
            conn.execute(
                text(
                    "insert into content_templates (brand_profile_id, name, template_type, "
                    "platform, format_specifications, layout_config, text_zones, image_zones, "
                    "brand_elements) select :new_id, name, template_type, platform, "
                    "format_specifications, layout_config, text_zones, image_zones, "
                    "brand_elements from content_templates where brand_profile_id = :brand_id"
                ),
                {"new_id": new_id, "brand_id": brand_id},
            )
        for column, value in changes.items():
            assert column in ("color_palette", "logo_primary_url"), column
            cast = "cast(:value as jsonb)" if column == "color_palette" else ":value"
            conn.execute(
                text(f"update brand_profiles set {column} = {cast} where id = :id"),  # noqa: S608
                {"value": value, "id": new_id},
            )
    return new_id


def _set_logo_file(world, brand_id, data: bytes) -> None:
    key = f"tests/{brand_id}/logo.png"
    (world.media / "tests" / str(brand_id)).mkdir(parents=True)
    (world.media / key).write_bytes(data)
    with world.engine.begin() as conn:
        conn.execute(
            text(
                "update brand_assets set file_path = :key, file_size_bytes = :size "
                "where brand_profile_id = :brand and asset_type = 'logo'"
            ),
            {"key": key, "size": len(data), "brand": brand_id},
        )


def _bomb_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A tiny PNG whose header claims a huge image (a decompression bomb)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def batch(demo_world):
    """One run over a good request and one bad request of every kind."""
    engine = demo_world.engine
    with engine.connect() as conn:
        source = (
            conn.execute(
                text(
                    "select r.id, r.brand_profile_id from content_requests r "
                    "where r.status = 'submitted' "
                    "and r.target_platforms = array['instagram'] limit 1"
                )
            ).one_or_none()
            or conn.execute(
                text(
                    "select id, brand_profile_id from content_requests where status = 'submitted' "
                    "and 'instagram' = any(target_platforms) limit 1"
                )
            ).one()
        )
    one_platform = ["instagram"]

    def request(**changes):
        return copy_request(engine, source.id, **{"target_platforms": one_platform, **changes})

    def with_brand(brand_id, **changes):
        return request(brand_profile_id=brand_id, template_id=None, **changes)

    with engine.begin() as conn:
        # a user of no organization, and a member who has left (membership inactive)
        outsider, left = make_user(conn), make_user(conn)
        conn.execute(
            text(
                "insert into user_organizations (user_id, organization_id, role, is_active) "
                "select :user, organization_id, 'editor', false from content_requests "
                "where id = :source"
            ),
            {"user": left, "source": source.id},
        )
    cases = {
        "good": request(),
        "requester not a member": request(requested_by=outsider),
        "requester no longer active": request(requested_by=left),
        "style cta an object": request(style_preferences={"cta": {"text": "Buy"}}),
        "style num_images a list": request(style_preferences={"num_images": [1, 2]}),
        "unknown platform": request(target_platforms=["myspace"]),
        "empty brief": request(content_brief="   "),
        "100 kB brief": request(content_brief="x" * 102_400),
        "past due date": request(due_date=datetime(2020, 1, 1, tzinfo=UTC)),
        "no template": with_brand(_clone_brand(engine, source.brand_profile_id, templates=False)),
        "no palette": with_brand(_clone_brand(engine, source.brand_profile_id, color_palette="[]")),
    }
    bad_template = _clone_brand(engine, source.brand_profile_id)
    with engine.begin() as conn:
        conn.execute(
            text(
                "update content_templates set text_zones = jsonb_set(text_zones, '{0,x}', '5000') "
                "where brand_profile_id = :brand"
            ),
            {"brand": bad_template},
        )
    cases["zone outside canvas"] = with_brand(bad_template)

    not_an_image = _clone_brand(engine, source.brand_profile_id)
    _set_logo_file(demo_world, not_an_image, b"this is not an image at all")
    cases["logo not an image"] = with_brand(not_an_image)

    bomb = _clone_brand(engine, source.brand_profile_id)
    _set_logo_file(demo_world, bomb, _bomb_png())
    cases["decompression bomb logo"] = with_brand(bomb)

    for name, url in {
        "loopback logo url": "https://127.0.0.1/logo.png",
        "private logo url": "https://10.1.2.3/logo.png",
        "http logo url": "http://example.com/logo.png",
    }.items():
        cases[name] = with_brand(
            _clone_brand(engine, source.brand_profile_id, logo=False, logo_primary_url=url)
        )

    result = generate(demo_world, list(cases.values()))
    return demo_world, cases, result


def test_the_run_succeeds_and_the_good_request_is_generated(batch):
    world, cases, result = batch
    assert result.success
    assert request_row(world.engine, cases["good"])["status"] == "generated"
    metadata = metadata_of(result)
    assert metadata["generated"] == 2  # the good one and the past-due one
    assert metadata["failed"] == len(cases) - 2


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("unknown platform", "myspace"),
        ("requester not a member", "is not an active member"),
        ("requester no longer active", "is not an active member"),
        ("style cta an object", "style_preferences.cta must be text, got dict"),
        ("style num_images a list", "style_preferences.num_images must be a whole number"),
        ("empty brief", "content_brief is empty"),
        ("100 kB brief", "content_brief is 102,400 characters"),
        ("no template", "no template for platform 'instagram'"),
        ("no palette", "color_palette"),
        ("zone outside canvas", "canvas"),
        ("logo not an image", "logo"),
        ("decompression bomb logo", "logo"),
        ("loopback logo url", "logo_primary_url"),
        ("private logo url", "logo_primary_url"),
        ("http logo url", "logo_primary_url"),
    ],
)
def test_each_bad_request_fails_alone_with_its_reason(batch, case, expected):
    world, cases, _ = batch
    request = request_row(world.engine, cases[case])
    assert request["status"] == "failed"
    assert expected in request["status_reason"], request["status_reason"]
    assert request["processing_completed_at"] is not None
    # nothing half-written: no rows, no files, and no provider call was made
    assert asset_rows(world.engine, cases[case]) == []
    assert files_of_request(world.media, request) == set()
    with world.engine.connect() as conn:
        calls = conn.execute(
            text("select count(*) from api_usage where content_request_id = :id"),
            {"id": cases[case]},
        ).scalar_one()
    assert calls == 0


def test_a_past_due_date_is_accepted_and_flagged(batch):
    world, cases, _ = batch
    request = request_row(world.engine, cases["past due date"])
    assert request["status"] == "generated"
    assert "in the past" in request["status_reason"]
    assert len(asset_rows(world.engine, cases["past due date"])) >= 1


def test_a_request_of_another_organizations_brand_cannot_even_be_stored(demo_world):
    with demo_world.engine.connect() as conn:
        orgs = conn.execute(text("select id from organizations order by slug")).scalars().all()
        foreign_brand = conn.execute(
            text("select id from brand_profiles where organization_id = :org limit 1"),
            {"org": orgs[1]},
        ).scalar_one()
        user = conn.execute(
            text("select created_by from organizations where id = :org"), {"org": orgs[0]}
        ).scalar_one()
        with pytest.raises(IntegrityError, match="content_requests_brand_profile_id_organizat"):
            conn.execute(
                text(
                    "insert into content_requests (organization_id, brand_profile_id, "
                    "requested_by, title, content_brief, target_platforms) "
                    "values (:org, :brand, :user, 'x', 'a brief', array['instagram'])"
                ),
                {"org": orgs[0], "brand": foreign_brand, "user": user},
            )


def test_the_decompression_bomb_fixture_really_is_one():
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(_bomb_png())).load()
