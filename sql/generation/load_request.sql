with request as (
    select * from content_requests where id = :request_id
),

organization as (
    select id as organization_id, slug as organization_slug, settings as organization_settings
    from organizations
    where id = (select organization_id from request)
),

-- whoever asked must still be an active member (and an active user) of the organization
requester as (
    select exists (
        select 1
        from user_organizations as membership
        inner join users on users.id = membership.user_id
        where membership.user_id = (select requested_by from request)
          and membership.organization_id = (select organization_id from request)
          and membership.is_active
          and users.is_active
    ) as requester_is_active_member
)

select request.*, organization.*, requester.*
from request
cross join organization
cross join requester
