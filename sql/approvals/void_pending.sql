-- Withdraw a request's open approvals: the images they were asked about are gone.
update content_approvals
set status = 'voided',
    feedback = feedback || jsonb_build_object(
        'void_reason', cast(:reason as text), 'voided_at', now()
    )
where content_request_id = :request_id
  and status = 'pending'
returning id
