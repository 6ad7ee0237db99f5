-- Staged rows that match no generated asset, for the run's report.
select source, platform, external_post_id, performance_date, unmatched_reason
from metrics_stage
where generated_asset_id is null
order by read_order
