-- Every brand profile's name, for the message that lists the choices.
select distinct name
from brand_profiles
order by name
