-- One stored piece of a demo brand's artwork (logo, icon, pattern).
insert into brand_assets (
    id, brand_profile_id, organization_id, name, asset_type, file_path, file_url,
    file_size_bytes, dimensions, usage_context, platform_variants, created_by, created_at,
    tags
)
values (
    :id, :brand_profile_id, :organization_id, :name, :asset_type, :file_path, :file_url,
    :file_size_bytes, cast(:dimensions as jsonb), :usage_context,
    cast(:platform_variants as jsonb), :created_by, :created_at, :tags
)
-- every demo row has a deterministic id: loading again adds nothing
on conflict (id) do nothing
