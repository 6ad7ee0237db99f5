-- The demo's closing summary: requests by status, images made, how they scored.
with by_status as (
    select status, count(*) as requests
    from content_requests
    group by status
),

by_verdict as (
    select validation_status, count(*) as images
    from generated_assets
    group by validation_status
),

variants as (
    select count(*) as variants, coalesce(sum(file_size_bytes), 0) as bytes
    from asset_variants
),

approvals as (
    select status, count(*) as approvals
    from content_approvals
    group by status
),

images as (
    select count(*) as images, coalesce(sum(file_size_bytes), 0) as bytes
    from generated_assets
)

select
    (select jsonb_object_agg(status, requests order by requests desc) from by_status)
        as requests_by_status,
    (select jsonb_object_agg(validation_status, images order by images desc) from by_verdict)
        as images_by_verdict,
    (select images from images) as images,
    (select bytes from images) as image_bytes,
    (select variants from variants) as variants,
    (select bytes from variants) as variant_bytes,
    (select jsonb_object_agg(status, approvals order by approvals desc) from approvals)
        as approvals_by_status,
    (select count(*) from content_requests where status in ('submitted', 'queued')) as submitted,
    -- the database's clock, so "made by this run" never depends on this machine's
    now() as observed_at
