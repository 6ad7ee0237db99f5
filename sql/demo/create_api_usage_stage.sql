-- Where the demo's provider-call history is COPYed first (hundreds of thousands of rows:
-- COPY cannot skip rows already loaded, an insert from here can). Gone at commit.
create temp table demo_api_usage_stage (like api_usage including defaults) on commit drop
