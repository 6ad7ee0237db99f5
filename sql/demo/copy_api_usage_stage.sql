-- The provider-call history in COPY's text format; the columns in the order the frame
-- sends them (the loader checks they are the frame's).
copy demo_api_usage_stage (
    id, organization_id, user_id, content_request_id, api_provider, endpoint, method,
    request_timestamp, request_parameters, response_status, response_time_ms,
    cost_per_request, currency, tokens_used, images_generated, created_at
) from stdin
