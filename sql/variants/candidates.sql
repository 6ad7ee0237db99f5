-- Generated assets a variants run looks at. With request or asset ids: those, whatever
-- their state. Without: every asset whose variants are missing or older than its image
-- (a regenerated image gets a new created_at). The caller skips by validation_status.
with variant_state as (
    select parent_asset_id, count(*) as variants, min(created_at) as rendered_at
    from asset_variants
    group by parent_asset_id
),

assets as (
    select
        g.id,
        g.organization_id,
        g.content_request_id,
        g.platform,
        g.variant_type,
        g.file_path,
        g.validation_status,
        g.generation_parameters ->> 'template_id' as template_id,
        coalesce(v.variants, 0) as variants,
        coalesce(v.rendered_at >= g.created_at, false) as up_to_date
    from generated_assets as g
    left join variant_state as v on v.parent_asset_id = g.id
),

final as (
    select *
    from assets
    where
        id = any(cast(:asset_ids as uuid[]))
        or content_request_id = any(cast(:request_ids as uuid[]))
        or (
            cardinality(cast(:asset_ids as uuid[])) = 0
            and cardinality(cast(:request_ids as uuid[])) = 0
            and not up_to_date
        )
)

select * from final
order by organization_id, content_request_id, platform, variant_type
