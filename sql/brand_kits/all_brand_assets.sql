select a.*, b.name as brand_name, o.slug as organization_slug
from brand_assets as a
inner join brand_profiles as b on b.id = a.brand_profile_id
inner join organizations as o on o.id = a.organization_id
order by o.slug, b.name, a.name
