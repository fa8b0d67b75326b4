-- When the consent:expire task recorded that a consent had expired (its
-- state is worked out from expires_on on every read; this records the
-- moment once, in the audit log too).
ALTER TABLE consents ADD COLUMN expiry_recorded_at TIMESTAMPTZ;
