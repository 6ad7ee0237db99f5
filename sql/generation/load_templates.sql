-- The brand's template for each target platform: the request's own template where it
-- is for that platform, else the brand's template for the platform's primary placement.
select distinct on (t.platform) t.*
from content_templates as t
where t.brand_profile_id = :brand_profile_id
  and t.platform = any(:platforms)
order by
    t.platform,
    (t.id = :template_id) desc nulls last,
    (t.format_specifications ->> 'placement' = any(:primary_placements)) desc,
    t.created_at
