-- One slot's new state. A slot only ever leaves "pending", once: the guard makes a
-- writer that lost a race change nothing (the caller then rolls back).
update content_approvals
set status = :status,
    approver_id = coalesce(cast(:approver_id as uuid), approver_id),
    delegated_to = coalesce(cast(:delegated_to as uuid), delegated_to),
    decision_date = case when :decided then now() else decision_date end,
    comments = coalesce(cast(:comments as text), comments),
    feedback = feedback || cast(:note as jsonb)
where id = :id
  and status = 'pending'
