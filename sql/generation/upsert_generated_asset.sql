-- One row per (request, platform, candidate): a re-run replaces it in place, so its
-- variants and analytics keep pointing at the same id. created_at is when the image
-- was first created and never changes (the analytics count an image on that day);
-- a regeneration stamps regenerated_at.
insert into generated_assets (
    id, content_request_id, brand_profile_id, asset_name, asset_type, platform,
    variant_type, file_path, file_url, file_size_bytes, dimensions, freepik_image_id,
    freepik_image_kind, generation_parameters
)
values (
    :id, :content_request_id, :brand_profile_id, :asset_name, 'image', :platform,
    :variant_type, :file_path, :file_url, :file_size_bytes, cast(:dimensions as jsonb),
    :freepik_image_id, :freepik_image_kind, cast(:generation_parameters as jsonb)
)
on conflict (content_request_id, platform, variant_type) do update
set asset_name = excluded.asset_name,
    brand_profile_id = excluded.brand_profile_id,
    file_path = excluded.file_path,
    file_url = excluded.file_url,
    file_size_bytes = excluded.file_size_bytes,
    dimensions = excluded.dimensions,
    freepik_image_id = excluded.freepik_image_id,
    freepik_image_kind = excluded.freepik_image_kind,
    generation_parameters = excluded.generation_parameters,
    compliance_score = null,
    compliance_details = '{}',
    validation_status = 'pending',
    regenerated_at = now()
returning id, file_path
