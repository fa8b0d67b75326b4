-- The path to a release: the author's consent per audience, overrides of
-- consent by Legal Services, redaction sets and their approvals, legal
-- advice, releases and decisions not to share. Lists (audiences, terms,
-- marks, gates) are JSON text, the same on both engines.

-- The author's answer to a request for consent: audiences granted and
-- refused, conditions, evidence, expiry, withdrawal. Never updated except
-- to record a withdrawal.
CREATE TABLE consents (
    id               TEXT PRIMARY KEY,
    document_id      TEXT NOT NULL REFERENCES documents (id),
    granted          TEXT NOT NULL DEFAULT '[]',
    refused          TEXT NOT NULL DEFAULT '[]',
    purposes         TEXT NOT NULL DEFAULT '',
    conditions       TEXT NOT NULL DEFAULT '',
    condition_terms  TEXT NOT NULL DEFAULT '[]',
    evidence_kind    TEXT NOT NULL CHECK (evidence_kind IN ('letter', 'email', 'author_answer')),
    evidence_key     TEXT REFERENCES blobs (blob_key),
    given_by_name    TEXT NOT NULL,
    given_by_role    TEXT NOT NULL,
    given_by_org     TEXT NOT NULL,
    given_on         TEXT NOT NULL,
    expires_on       TEXT NOT NULL DEFAULT '',
    withdrawn_at     TIMESTAMPTZ,
    withdrawn_reason TEXT NOT NULL DEFAULT '',
    recorded_by      TEXT NOT NULL REFERENCES users (id),
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX consents_document ON consents (document_id);

-- A basis to release without the author's consent, recorded by Legal
-- Services and approved by a manager.
CREATE TABLE consent_overrides (
    id           TEXT PRIMARY KEY,
    document_id  TEXT NOT NULL REFERENCES documents (id),
    audience     TEXT NOT NULL,
    basis        TEXT NOT NULL CHECK (basis IN ('court_order', 'police_protocol', 'legal_advice')),
    detail       TEXT NOT NULL,
    evidence_key TEXT REFERENCES blobs (blob_key),
    recorded_by  TEXT NOT NULL REFERENCES users (id),
    approved_by  TEXT REFERENCES users (id),
    approved_at  TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX consent_overrides_document ON consent_overrides (document_id);

-- Reason codes for marks, editable by administrators.
CREATE TABLE redaction_reasons (
    code     TEXT PRIMARY KEY,
    label    TEXT NOT NULL,
    retired  BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT INTO redaction_reasons (code, label) VALUES
    ('third_party', 'Third-party information'),
    ('no_consent', 'Author did not consent'),
    ('risk_of_harm', 'Risk of harm'),
    ('criminal_investigation', 'Criminal investigation'),
    ('legal_privilege', 'Legal privilege'),
    ('consent_condition', 'Author''s condition');

-- One audience's redactions of a document. The engine's output (version)
-- is made on submission; approvals name its SHA-256.
CREATE TABLE redaction_sets (
    id              TEXT PRIMARY KEY,
    document_id     TEXT NOT NULL REFERENCES documents (id),
    audience        TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'approved', 'legal_approved', 'applied', 'rejected')),
    marks           TEXT NOT NULL DEFAULT '[]',
    terms           TEXT NOT NULL DEFAULT '[]',
    applied_terms   TEXT NOT NULL DEFAULT '[]',
    comments        TEXT NOT NULL DEFAULT '',
    drawn_by        TEXT NOT NULL REFERENCES users (id),
    submitted_at    TIMESTAMPTZ,
    version_key     TEXT REFERENCES blobs (blob_key),
    verification    TEXT NOT NULL DEFAULT '',
    apply_error     TEXT NOT NULL DEFAULT '',
    applied_at      TIMESTAMPTZ,
    approved_by     TEXT REFERENCES users (id),
    approved_at     TIMESTAMPTZ,
    approved_sha256 TEXT NOT NULL DEFAULT '',
    legal_by        TEXT REFERENCES users (id),
    legal_at        TIMESTAMPTZ,
    legal_sha256    TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX redaction_sets_document ON redaction_sets (document_id, audience);
CREATE INDEX redaction_sets_state ON redaction_sets (state, updated_at);

-- Requests for legal advice on a document; an open one blocks release.
CREATE TABLE legal_advice (
    id           TEXT PRIMARY KEY,
    document_id  TEXT NOT NULL REFERENCES documents (id),
    question     TEXT NOT NULL,
    asked_by     TEXT NOT NULL REFERENCES users (id),
    asked_at     TIMESTAMPTZ NOT NULL,
    answer       TEXT NOT NULL DEFAULT '',
    answered_by  TEXT REFERENCES users (id),
    answered_at  TIMESTAMPTZ
);
CREATE INDEX legal_advice_document ON legal_advice (document_id);

-- Releases: one row per recipient, never updated but for delivery.
CREATE TABLE releases (
    id                TEXT PRIMARY KEY,
    reference         TEXT NOT NULL UNIQUE,
    document_id       TEXT NOT NULL REFERENCES documents (id),
    case_id           TEXT NOT NULL REFERENCES cases (id),
    redaction_set_id  TEXT NOT NULL REFERENCES redaction_sets (id),
    version_sha256    TEXT NOT NULL,
    audience          TEXT NOT NULL,
    recipient_name    TEXT NOT NULL,
    recipient_role    TEXT NOT NULL,
    recipient_org     TEXT NOT NULL,
    purpose           TEXT NOT NULL,
    method            TEXT NOT NULL,
    lawful_basis      TEXT NOT NULL,
    family_informed   BOOLEAN NOT NULL,
    exemption         TEXT NOT NULL DEFAULT '',
    exemption_reason  TEXT NOT NULL DEFAULT '',
    consent_id        TEXT NOT NULL DEFAULT '',
    override_id       TEXT NOT NULL DEFAULT '',
    restrictions      TEXT NOT NULL DEFAULT '',
    released_by       TEXT NOT NULL REFERENCES users (id),
    released_at       TIMESTAMPTZ NOT NULL,
    team              TEXT NOT NULL DEFAULT ''
);
CREATE INDEX releases_document ON releases (document_id);
CREATE INDEX releases_team ON releases (team, released_at);

-- Decisions not to share, recorded with the same care as releases.
CREATE TABLE decisions (
    id          TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents (id),
    audience    TEXT NOT NULL,
    requested_by TEXT NOT NULL DEFAULT '',
    what        TEXT NOT NULL,
    why         TEXT NOT NULL,
    decided_by  TEXT NOT NULL REFERENCES users (id),
    decided_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX decisions_document ON decisions (document_id);
