-- The master images of the gallery's requests, with their verdicts and rule details.
with chosen as (
    select g.*
    from generated_assets as g
    where g.content_request_id = any(cast(:request_ids as uuid[]))
),

described as (
    select
        c.id,
        c.content_request_id,
        c.asset_name,
        c.platform,
        c.variant_type,
        c.file_path,
        c.file_url,
        c.file_size_bytes,
        c.dimensions,
        c.compliance_score,
        c.compliance_details,
        c.validation_status,
        -- repair attempts (assets/generation/repair.py): the gallery shows them
        c.generation_parameters -> 'repair' as repair,
        c.created_at
    from chosen as c
)

select * from described
-- the primary image first, then its alternates in number order
order by
    content_request_id, platform, variant_type <> 'primary', length(variant_type), variant_type, id
