-- What one demo run made: master images and variants created since it started (by the
-- database's clock; a regenerated image or re-rendered variant counts again).
with images as (
    select count(*) as images
    from generated_assets
    where created_at >= :since
),

variants as (
    select count(*) as variants
    from asset_variants
    where created_at >= :since
)

select
    (select images from images) as images,
    (select variants from variants) as variants
