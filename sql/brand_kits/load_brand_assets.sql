select *
from brand_assets
where brand_profile_id = :brand_profile_id
order by created_at, id
