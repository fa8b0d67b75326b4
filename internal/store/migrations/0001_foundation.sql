-- Users, sessions and API tokens. Passwords are argon2id hashes; sessions
-- and tokens are stored only as SHA-256 of the secret.
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('social_worker', 'manager', 'legal', 'admin')),
    team          TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Cases: one child's case record, and who is allocated to it.
CREATE TABLE cases (
    id           TEXT PRIMARY KEY,
    child_ref    TEXT NOT NULL,
    team         TEXT NOT NULL DEFAULT '',
    legal_status TEXT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES users (id),
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX cases_child_ref ON cases (child_ref);

CREATE TABLE case_allocations (
    case_id      TEXT NOT NULL REFERENCES cases (id),
    user_id      TEXT NOT NULL REFERENCES users (id),
    role         TEXT NOT NULL CHECK (role IN ('social_worker', 'manager')),
    allocated_by TEXT NOT NULL REFERENCES users (id),
    allocated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_allocations_user ON case_allocations (user_id);

-- Blobs known to the records: an object in storage that no row here names
-- is an orphan and is swept after a grace period.
CREATE TABLE blobs (
    blob_key   TEXT PRIMARY KEY,
    size       BIGINT NOT NULL,
    media_type TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- Documents: third-party reports as received, and what ingest learnt.
CREATE TABLE documents (
    id              TEXT PRIMARY KEY,
    case_id         TEXT NOT NULL REFERENCES cases (id),
    state           TEXT NOT NULL CHECK (state IN ('received', 'ingesting', 'ready', 'rejected')),
    reject_reason   TEXT NOT NULL DEFAULT '',
    filename        TEXT NOT NULL,
    media_type      TEXT NOT NULL,
    original_key    TEXT NOT NULL REFERENCES blobs (blob_key),
    original_size   BIGINT NOT NULL,
    working_key     TEXT REFERENCES blobs (blob_key),
    author_name     TEXT NOT NULL,
    author_role     TEXT NOT NULL,
    author_org      TEXT NOT NULL,
    received_on     TEXT NOT NULL,
    received_how    TEXT NOT NULL,
    restrictions    TEXT NOT NULL DEFAULT '',
    pages           INTEGER NOT NULL DEFAULT 0,
    pdf_version     TEXT NOT NULL DEFAULT '',
    producer        TEXT NOT NULL DEFAULT '',
    encrypted       BOOLEAN NOT NULL DEFAULT FALSE,
    from_image      BOOLEAN NOT NULL DEFAULT FALSE,
    text_pages      TEXT NOT NULL DEFAULT '[]',
    image_pages     TEXT NOT NULL DEFAULT '[]',
    attempts        INTEGER NOT NULL DEFAULT 0,
    uploaded_by     TEXT NOT NULL REFERENCES users (id),
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    ingested_at     TIMESTAMPTZ
);
CREATE INDEX documents_case ON documents (case_id);
CREATE INDEX documents_state ON documents (state, updated_at);

-- The audit log is append-only; each row carries the SHA-256 of the row
-- before it, so any edit or deletion breaks the chain.
CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    actor_id    TEXT NOT NULL,
    actor_role  TEXT NOT NULL,
    action      TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    case_id     TEXT NOT NULL DEFAULT '',
    document_id TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '',
    request_id  TEXT NOT NULL DEFAULT '',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_document ON audit_log (document_id, seq);
CREATE INDEX audit_log_case ON audit_log (case_id, seq);
