select id, email from users where id = any(cast(:user_ids as uuid []))
