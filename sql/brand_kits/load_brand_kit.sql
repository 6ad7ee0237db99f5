select *
from brand_profiles
where id = :brand_profile_id
