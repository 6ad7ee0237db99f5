-- The user's active role in the organization (none when not an active member).
select m.role
from user_organizations as m
inner join users as u on m.user_id = u.id
where m.organization_id = :organization_id
  and m.user_id = :user_id
  and m.is_active
  and u.is_active
