-- Brand profiles by name, for `socialpipe compliance check --brand-profile NAME`.
select *
from brand_profiles
where lower(name) = lower(:name)
order by created_at
