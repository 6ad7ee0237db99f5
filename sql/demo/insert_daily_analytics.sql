-- One day of a published demo image's platform metrics (the demo records daily rows
-- only; the analytics stage rolls them up).
insert into content_analytics (
    id, generated_asset_id, organization_id, platform, impressions, views, likes, shares,
    comments, saves, clicks, engagement_rate, click_through_rate, performance_date,
    measurement_period, external_post_id, published_at, created_at
)
values (
    :id, :generated_asset_id, :organization_id, :platform, :impressions, :views, :likes,
    :shares, :comments, :saves, :clicks, :engagement_rate, :click_through_rate,
    :performance_date, 'daily', :external_post_id, :published_at, :created_at
)
-- every demo row has a deterministic id: loading again adds nothing
on conflict (id) do nothing
