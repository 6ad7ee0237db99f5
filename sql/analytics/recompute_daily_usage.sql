-- The window's usage recomputed straight from api_usage for the reconciliation check:
-- written apart from dbt_like_models/daily_usage_summaries.sql on purpose, and left
-- unrounded (the check allows for the model's rounding).
select
    organization_id,
    date(timezone('UTC', request_timestamp)) as usage_date,
    api_provider,
    count(*) as total_requests,
    sum(case when response_status >= 200 and response_status < 300 then 1 else 0 end)
        as successful_requests,
    sum(case when response_status >= 200 and response_status < 300 then 0 else 1 end)
        as failed_requests,
    sum(cost_per_request) as total_cost,
    sum(tokens_used) as total_tokens,
    sum(images_generated) as total_images_generated,
    avg(response_time_ms) as average_response_time_ms,
    avg(case when response_status >= 200 and response_status < 300 then 0.0 else 1.0 end)
        as error_rate
from api_usage
where request_timestamp >= :partition_start
  and request_timestamp < :partition_end
group by 1, 2, 3
