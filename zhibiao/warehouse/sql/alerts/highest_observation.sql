-- What a detection has seen once it ran: every observation up to this id.
select coalesce(max(observation_id), 0) from observations
