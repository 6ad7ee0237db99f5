-- Who can take part in an organization's approvals: its active members, with their role.
select m.user_id, m.role, u.email
from user_organizations as m
inner join users as u on m.user_id = u.id
where m.organization_id = :organization_id
  and m.is_active
  and u.is_active
