select id, email from users where lower(email) = lower(:email)
