-- API usage per organization, UTC day, provider and currency (the cost dashboards).
-- Costs in different currencies are never added: each currency has its own row.
-- A call succeeded when the provider answered 2xx; 4xx, 5xx and calls that got no
-- response (timeouts: response_status is null) are failures.

with calls as (

    select
        organization_id,
        api_provider,
        (request_timestamp at time zone 'UTC')::date as usage_date,
        coalesce(response_status between 200 and 299, false) as succeeded,
        response_time_ms,
        cost_per_request,
        currency,
        tokens_used,
        images_generated
    from api_usage
    where request_timestamp >= :partition_start
      and request_timestamp < :partition_end

),

per_day as (

    select
        organization_id,
        usage_date,
        api_provider,
        currency,
        count(*) as total_requests,
        count(*) filter (where succeeded) as successful_requests,
        count(*) filter (where not succeeded) as failed_requests,
        sum(cost_per_request) as total_cost,
        sum(tokens_used) as total_tokens,
        sum(images_generated) as total_images_generated,
        -- over the calls that measured a latency (a timeout counts its full wait)
        round(avg(response_time_ms))::integer as average_response_time_ms
    from calls
    group by organization_id, usage_date, api_provider, currency

),

final as (

    select
        organization_id,
        usage_date,
        api_provider,
        currency,
        total_requests,
        successful_requests,
        failed_requests,
        total_cost,
        total_tokens,
        total_images_generated,
        average_response_time_ms,
        round(failed_requests::numeric / total_requests, 4) as error_rate
    from per_day

)

select * from final
