-- The generated assets a compliance run scores: every asset still pending (oldest first,
-- through generated_assets_pending_compliance_idx), or, when the run names requests,
-- every asset of those requests whatever its verdict (a re-score).
with pending as (
    select id
    from generated_assets
    where validation_status = 'pending'
      and cardinality(cast(:request_ids as uuid [])) = 0
    order by created_at
    limit :max_assets
),

named as (
    select id
    from generated_assets
    where content_request_id = any(cast(:request_ids as uuid []))
),

chosen as (
    select id from pending
    union
    select id from named
),

final as (
    select
        g.id,
        g.content_request_id,
        g.brand_profile_id,
        g.platform,
        g.variant_type,
        g.file_path,
        g.generation_parameters,
        g.validation_status,
        g.created_at,
        b.name as brand_name
    from chosen as c
    join generated_assets as g on g.id = c.id
    join brand_profiles as b on b.id = g.brand_profile_id
)

select * from final
order by brand_profile_id, created_at, id
limit :max_assets
