-- Asking the author: requests for consent, the letters and emails they
-- send (kept in the outbox until sent), and the author's single-use links.
-- Lists (audiences) are JSON text, the same on both engines.

-- A request to a document's author for written consent. The author
-- answers through a link; a periodic task chases an unanswered request
-- and then tells the case's manager. state is requested, answered,
-- expired (its links passed link_expires_at unanswered) or cancelled.
CREATE TABLE consent_requests (
    id                  TEXT PRIMARY KEY,
    document_id         TEXT NOT NULL REFERENCES documents (id),
    case_id             TEXT NOT NULL REFERENCES cases (id),
    state               TEXT NOT NULL CHECK (state IN ('requested', 'answered', 'expired', 'cancelled')),
    author_name         TEXT NOT NULL,
    author_role         TEXT NOT NULL,
    author_org          TEXT NOT NULL,
    author_email        TEXT NOT NULL DEFAULT '',
    audiences           TEXT NOT NULL DEFAULT '[]',
    proposed_redactions TEXT NOT NULL DEFAULT '',
    document_title      TEXT NOT NULL,
    document_type       TEXT NOT NULL,
    due_on              TEXT NOT NULL,
    reply_to            TEXT NOT NULL,
    requested_by        TEXT NOT NULL REFERENCES users (id),
    requested_by_name   TEXT NOT NULL,
    team                TEXT NOT NULL DEFAULT '',
    requested_at        TIMESTAMPTZ NOT NULL,
    link_expires_at     TIMESTAMPTZ NOT NULL,
    sent_at             TIMESTAMPTZ,
    reminders_sent      INTEGER NOT NULL DEFAULT 0,
    last_reminder_at    TIMESTAMPTZ,
    manager_notified_at TIMESTAMPTZ,
    answered_at         TIMESTAMPTZ,
    consent_id          TEXT REFERENCES consents (id),
    closed_at           TIMESTAMPTZ,
    closed_by           TEXT NOT NULL DEFAULT '',
    closed_reason       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX consent_requests_document ON consent_requests (document_id);
CREATE INDEX consent_requests_open ON consent_requests (state, link_expires_at);

-- Every letter and email a request sends: the request itself, each
-- reminder (seq is its number) and the notice to each manager. The unique
-- index makes each one once. state: pending (waiting for SMTP), sending
-- (claimed by a worker), sent, kept (no SMTP or no address: waiting in the
-- outbox for a person to send), failed (refused by the mail server),
-- unknown (a worker stopped mid-send: a person checks), sent_by_hand.
CREATE TABLE consent_messages (
    id             TEXT PRIMARY KEY,
    request_id     TEXT NOT NULL REFERENCES consent_requests (id),
    case_id        TEXT NOT NULL REFERENCES cases (id),
    document_id    TEXT NOT NULL REFERENCES documents (id),
    kind           TEXT NOT NULL CHECK (kind IN ('consent_request', 'consent_chase', 'consent_overdue_manager')),
    seq            INTEGER NOT NULL DEFAULT 0,
    recipient_user TEXT NOT NULL DEFAULT '',
    to_name        TEXT NOT NULL,
    to_email       TEXT NOT NULL DEFAULT '',
    subject        TEXT NOT NULL,
    body           TEXT NOT NULL,
    letter_key     TEXT NOT NULL REFERENCES blobs (blob_key),
    state          TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'kept', 'failed', 'unknown', 'sent_by_hand')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL,
    claimed_at     TIMESTAMPTZ,
    sent_at        TIMESTAMPTZ,
    sent_by        TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX consent_messages_once ON consent_messages (request_id, kind, seq, recipient_user);
CREATE INDEX consent_messages_state ON consent_messages (state, created_at);
CREATE INDEX consent_messages_case ON consent_messages (case_id);

-- The author's links: only the SHA-256 of each token is kept. Each letter
-- carries its own token; all of a request's tokens die when it is
-- answered, cancelled or expires.
CREATE TABLE consent_links (
    token_hash TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES consent_requests (id),
    message_id TEXT NOT NULL REFERENCES consent_messages (id),
    created_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX consent_links_request ON consent_links (request_id);
