-- The variants one run wrote (asset checks look at the latest materialization's run).
select
    id,
    parent_asset_id,
    platform,
    placement,
    format_type,
    dimensions,
    file_path,
    file_size_bytes,
    quality_score,
    cast(optimization_applied ->> 'fill_share' as double precision) as fill_share
from asset_variants
where optimization_applied ->> 'run_id' = :run_id
order by parent_asset_id, platform, placement, format_type
