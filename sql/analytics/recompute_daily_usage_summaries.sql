-- daily_usage_summaries recomputed from api_usage for its reconciliation check. Written
-- apart from dbt_like_models/daily_usage_summaries.sql on purpose (sums of case
-- expressions, explicit divisions); rounded as the columns are defined.
select
    organization_id,
    date(timezone('UTC', request_timestamp)) as usage_date,
    api_provider,
    currency,
    count(*) as total_requests,
    sum(case when response_status >= 200 and response_status < 300 then 1 else 0 end)
        as successful_requests,
    sum(case when response_status >= 200 and response_status < 300 then 0 else 1 end)
        as failed_requests,
    sum(cost_per_request) as total_cost,
    sum(tokens_used) as total_tokens,
    sum(images_generated) as total_images_generated,
    round(sum(response_time_ms)::numeric / nullif(count(response_time_ms), 0))
        as average_response_time_ms,
    round(
        sum(case when response_status >= 200 and response_status < 300 then 0 else 1 end)::numeric
        / count(*),
        4
    ) as error_rate
from api_usage
where request_timestamp >= :partition_start
  and request_timestamp < :partition_end
group by 1, 2, 3, 4
