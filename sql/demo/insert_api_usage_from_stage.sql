-- The staged provider calls api_usage does not have yet.
insert into api_usage (
    id, organization_id, user_id, content_request_id, api_provider, endpoint, method,
    request_timestamp, request_parameters, response_status, response_time_ms,
    cost_per_request, currency, tokens_used, images_generated, created_at
)
select
    id, organization_id, user_id, content_request_id, api_provider, endpoint, method,
    request_timestamp, request_parameters, response_status, response_time_ms,
    cost_per_request, currency, tokens_used, images_generated, created_at
from demo_api_usage_stage
-- the key of the partitioned table (0013); a demo row's time is as fixed as its id
on conflict (id, request_timestamp) do nothing
