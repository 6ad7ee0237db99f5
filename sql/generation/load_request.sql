with request as (
    select * from content_requests where id = :request_id
),

organization as (
    select id as organization_id, slug as organization_slug, settings as organization_settings
    from organizations
    where id = (select organization_id from request)
)

select request.*, organization.*
from request
cross join organization
