-- The outbox's notices: every letter the service writes other than a
-- consent request's (those are consent_messages, 0004, with the author's
-- links). Together the two tables are the outbox.
--
-- kind is family_notification (the letter telling the family about a
-- release: kept for the social worker to post, families have no email
-- address in the records) or legal_route (asking Legal Services to
-- approve a redaction set on a Care Order case: emailed to RG_LEGAL_EMAIL
-- when SMTP is configured, otherwise kept). once_key makes each notice
-- once: the release's id for a family letter; the set's id and the
-- SHA-256 of the version the manager approved for a legal_route notice.
-- state is that of consent_messages: pending, sending, sent, kept,
-- failed, unknown, sent_by_hand.
CREATE TABLE notices (
    id               TEXT PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('family_notification', 'legal_route')),
    once_key         TEXT NOT NULL,
    case_id          TEXT NOT NULL REFERENCES cases (id),
    document_id      TEXT NOT NULL REFERENCES documents (id),
    release_id       TEXT REFERENCES releases (id),
    redaction_set_id TEXT REFERENCES redaction_sets (id),
    version_sha256   TEXT NOT NULL DEFAULT '',
    to_name          TEXT NOT NULL,
    to_email         TEXT NOT NULL DEFAULT '',
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    letter_key       TEXT NOT NULL REFERENCES blobs (blob_key),
    state            TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'kept', 'failed', 'unknown', 'sent_by_hand')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ NOT NULL,
    claimed_at       TIMESTAMPTZ,
    sent_at          TIMESTAMPTZ,
    sent_by          TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX notices_once ON notices (kind, once_key);
CREATE INDEX notices_state ON notices (state, created_at);
CREATE INDEX notices_case ON notices (case_id);
CREATE INDEX notices_set ON notices (redaction_set_id, version_sha256);
