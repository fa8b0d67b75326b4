-- Delivery of a release: the stamped file made for its recipient, the
-- recipient's download link (only the SHA-256 of its token is kept), and
-- the letter telling the family. One row per release, made with it.
CREATE TABLE deliveries (
    release_id       TEXT PRIMARY KEY REFERENCES releases (id),
    state            TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    stamped_key      TEXT REFERENCES blobs (blob_key),
    error            TEXT NOT NULL DEFAULT '',
    link_hash        TEXT NOT NULL UNIQUE,
    link_expires_at  TIMESTAMPTZ NOT NULL,
    downloads        INTEGER NOT NULL DEFAULT 0,
    notify_family    BOOLEAN NOT NULL,
    family_name      TEXT NOT NULL DEFAULT '',
    family_letter_key TEXT REFERENCES blobs (blob_key),
    delivered_at     TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX deliveries_state ON deliveries (state, created_at);
