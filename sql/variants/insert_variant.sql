insert into asset_variants (
    parent_asset_id, organization_id, platform, placement, format_type, dimensions,
    aspect_ratio, file_path, file_url, file_size_bytes, optimization_applied,
    compression_level, quality_score
)
values (
    :parent_asset_id, :organization_id, :platform, :placement, :format_type,
    cast(:dimensions as jsonb), :aspect_ratio, :file_path, :file_url, :file_size_bytes,
    cast(:optimization_applied as jsonb), :compression_level, :quality_score
)
