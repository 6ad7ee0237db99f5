-- What the blocking check looks for: rejected assets that reached the variant stage
-- (variants rendered from their current image: created at or after it), and verdicts
-- that do not add up (scored without a status, or a status without a score).
with rejected as (
    select id, content_request_id, platform, created_at, compliance_score
    from generated_assets
    where validation_status = 'rejected'
),

reached_variants as (
    select
        r.id,
        r.content_request_id,
        r.platform,
        r.compliance_score,
        count(v.id) as variants,
        'rejected, but has variants of its current image' as problem
    from rejected as r
    join asset_variants as v on v.parent_asset_id = r.id and v.created_at >= r.created_at
    group by r.id, r.content_request_id, r.platform, r.compliance_score
),

inconsistent as (
    select
        id,
        content_request_id,
        platform,
        compliance_score,
        0 as variants,
        case
            when validation_status = 'pending' then 'pending, but has a score'
            else validation_status || ', but has no score'
        end as problem
    from generated_assets
    where (validation_status = 'pending') = (compliance_score is not null)
),

final as (
    select * from reached_variants
    union all
    select * from inconsistent
)

select * from final
order by problem, content_request_id, platform
limit :max_rows
