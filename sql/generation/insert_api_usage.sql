insert into api_usage (
    organization_id, user_id, content_request_id, api_provider, endpoint, method,
    request_parameters, response_status, response_time_ms, cost_per_request, currency,
    tokens_used, images_generated
)
values (
    :organization_id, :user_id, :content_request_id, :api_provider, :endpoint, :method,
    cast(:request_parameters as jsonb), :response_status, :response_time_ms, :cost,
    :currency, :tokens_used, :images_generated
)
