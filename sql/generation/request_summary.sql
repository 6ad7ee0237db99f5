-- What the CLI prints after processing: each request's state, images and spend.
with images as (
    select content_request_id, count(*) as images
    from generated_assets
    where content_request_id = any(:request_ids)
    group by content_request_id
),

spend as (
    select content_request_id, sum(cost_per_request) as cost, count(*) as calls
    from api_usage
    where content_request_id = any(:request_ids)
      and request_timestamp >= :since
    group by content_request_id
)

select
    r.id,
    r.title,
    r.status,
    r.status_reason,
    coalesce(images.images, 0) as images,
    coalesce(spend.calls, 0) as calls,
    coalesce(spend.cost, 0) as cost
from content_requests as r
left join images on images.content_request_id = r.id
left join spend on spend.content_request_id = r.id
where r.id = any(:request_ids)
order by r.priority desc, r.due_date asc nulls last, r.created_at
