-- Every platform variant of the gallery's master images.
with parents as (
    select g.id
    from generated_assets as g
    where g.content_request_id = any(cast(:request_ids as uuid[]))
),

described as (
    select
        v.id,
        v.parent_asset_id,
        v.platform,
        v.placement,
        v.format_type,
        v.dimensions,
        v.aspect_ratio,
        v.file_path,
        v.file_url,
        v.file_size_bytes,
        v.compression_level,
        v.quality_score,
        v.optimization_applied
    from asset_variants as v
    inner join parents as p on v.parent_asset_id = p.id
)

select * from described
order by parent_asset_id, placement, format_type, id
