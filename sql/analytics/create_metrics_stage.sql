-- The export rows of one ingestion run, before they are matched to generated assets.
create temporary table metrics_stage (
  read_order integer primary key,
  source text not null,
  external_post_id varchar(200) not null,
  platform varchar(32) not null,
  performance_date date not null,
  impressions bigint not null,
  views bigint not null,
  likes bigint not null,
  shares bigint not null,
  comments bigint not null,
  saves bigint not null,
  clicks bigint not null,
  published_at timestamptz,
  named_asset_id uuid,
  generated_asset_id uuid,
  organization_id uuid,
  unmatched_reason text
) on commit drop
