-- A history request's primary image on one platform, with the real scorer's verdict.
-- Demo history holds primary images only; variants are made by the variants stage.
insert into generated_assets (
    id, content_request_id, brand_profile_id, organization_id, asset_name, asset_type,
    platform, variant_type, file_path, file_url, file_size_bytes, dimensions,
    freepik_image_id, freepik_image_kind, generation_parameters, compliance_score,
    compliance_details, validation_status, download_count, usage_count, created_at
)
values (
    :id, :content_request_id, :brand_profile_id, :organization_id, :asset_name, :asset_type,
    :platform, 'primary', :file_path, :file_url, :file_size_bytes, cast(:dimensions as jsonb),
    :freepik_image_id, :freepik_image_kind, cast(:generation_parameters as jsonb),
    :compliance_score, cast(:compliance_details as jsonb), :validation_status,
    :download_count, :usage_count, :created_at
)
-- every demo row has a deterministic id: loading again adds nothing
on conflict (id) do nothing
