-- The stage is done with once its rows are in api_usage; dropped now rather than at
-- commit, so the rest of the load's transaction does not carry it.
drop table demo_api_usage_stage
