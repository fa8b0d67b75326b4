-- A client's Idempotency-Key for a release: the same user sending the same
-- key again (a retry after a lost answer) gets the release already made,
-- never a second one.
ALTER TABLE releases ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX releases_idempotency ON releases (released_by, idempotency_key) WHERE idempotency_key IS NOT NULL;
