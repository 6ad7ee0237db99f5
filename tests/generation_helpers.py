"""Running the generation asset the way Dagster's docs test assets: `materialize` with resources."""

import io
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dagster import materialize
from PIL import Image
from psycopg.types.json import Jsonb
from sqlalchemy import Engine, text

from assets.generation.definitions import generated_assets
from assets.generation.jobs import generated_assets_config
from resources.database import DatabaseResource
from resources.image_providers import ImageProviderResource
from resources.image_store import ImageStoreResource


def generate(world, request_ids: list, *, provider: str = "local", force: bool = False):
    return materialize(
        [generated_assets],
        resources={
            "database": DatabaseResource(url=world.url),
            "image_store": ImageStoreResource(root=str(world.media)),
            "image_provider": ImageProviderResource(
                default_provider=provider,
                # for organizations on Freepik: the local fake answers at once, over http
                freepik_timeout_s=2,
                freepik_backoff_initial_s=0.01,
                freepik_poll_interval_s=0.01,
                freepik_task_deadline_s=2,
                freepik_download_schemes=["http"],
            ),
        },
        run_config={"ops": generated_assets_config([str(i) for i in request_ids], force=force)},
        raise_on_error=False,
    )


def metadata_of(result) -> dict:
    (materialization,) = result.asset_materializations_for_node("generated_assets")
    return {key: value.value for key, value in materialization.metadata.items()}


def request_row(engine: Engine, request_id) -> dict:
    with engine.connect() as conn:
        return dict(
            conn.execute(text("select * from content_requests where id = :id"), {"id": request_id})
            .mappings()
            .one()
        )


def asset_rows(engine: Engine, request_id) -> list[dict]:
    with engine.connect() as conn:
        return [
            dict(row)
            for row in conn.execute(
                text(
                    "select * from generated_assets where content_request_id = :id "
                    "order by platform, variant_type"
                ),
                {"id": request_id},
            ).mappings()
        ]


def files_of_request(media: Path, request: dict) -> set[str]:
    folder = media / str(request["organization_id"]) / str(request["id"])
    if not folder.exists():
        return set()
    return {str(p.relative_to(media)) for p in folder.iterdir()}


def decoded_size(path: Path) -> tuple[int, int]:
    with Image.open(io.BytesIO(path.read_bytes())) as image:
        image.load()
        return image.size


def copy_request(engine: Engine, source_id, *, new_id=None, **changes) -> uuid.UUID:
    """A new submitted request like `source_id`, with some columns changed.

    The id seeds the images: pass a fixed `new_id` for images that are the same every run.
    """
    new_id = new_id or uuid.uuid4()
    columns = [
        "organization_id",
        "brand_profile_id",
        "requested_by",
        "title",
        "description",
        "content_brief",
        "target_platforms",
        "content_type",
        "template_id",
        "style_preferences",
        "keywords",
        "priority",
        "due_date",
    ]
    with engine.begin() as conn:
        conn.execute(
            text(
                "insert into content_requests (id, status, " + ", ".join(columns) + ") "
                "select :new_id, 'submitted', " + ", ".join(columns) + " "
                "from content_requests where id = :source_id"
            ),
            {"new_id": new_id, "source_id": source_id},
        )
        if changes:
            assert set(changes) <= set(columns), changes
            # one statement, so that brand and template change together (composite key)
            assignments = ", ".join(f"{column} = :{column}" for column in changes)
            conn.execute(
                text(f"update content_requests set {assignments} where id = :id"),  # noqa: S608
                {
                    **{k: Jsonb(v) if isinstance(v, dict) else v for k, v in changes.items()},
                    "id": new_id,
                },
            )
    return new_id


def first_request(engine: Engine, *, brand: str | None = None, submitted: bool = False):
    """The lowest-id demo request (of a brand, or a submitted one): a fixed source to copy.

    Only the demo's own rows count (their ids are uuid5 of organization and title): the
    copies other tests make must not become the source, or a test's images would depend
    on which tests ran before it."""

    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "select r.id, o.slug, r.title from content_requests as r "
                "join brand_profiles as b on b.id = r.brand_profile_id "
                "join organizations as o on o.id = r.organization_id "
                "where (cast(:brand as text) is null or b.name = :brand) "
                "and (not :submitted or r.status = 'submitted') "
                "order by r.id"
            ),
            {"brand": brand, "submitted": submitted},
        ).all()
    return first_demo_row(rows).id


def first_demo_row(rows):
    """The first of ``rows`` (each with the request's ``id``, its organization's ``slug``
    and its ``title``) that is a demo request itself, not a copy another test made."""
    from socialpipe.demo.ids import demo_id

    return next(row for row in rows if row.id == demo_id("request", row.slug, row.title))


def fixed_id(purpose: str) -> uuid.UUID:
    """A request id that is the same every run: the id seeds the images, so their verdicts too."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"socialpipe-tests/{purpose}")


@contextmanager
def organization_on_freepik(engine: Engine) -> Iterator:
    """The first demo organization switched to Freepik (with a roomy budget); restored after."""
    with engine.begin() as conn:
        org, settings = conn.execute(
            text("select id, settings from organizations order by slug limit 1")
        ).one()
        conn.execute(
            text(
                "update organizations set settings = settings || "
                '\'{"image_provider": "freepik", "daily_budget_usd": 1000}\' where id = :id'
            ),
            {"id": org},
        )
    try:
        yield org
    finally:
        with engine.begin() as conn:
            conn.execute(
                text("update organizations set settings = cast(:settings as jsonb) where id = :id"),
                {"settings": json.dumps(settings), "id": org},
            )
