-- Everyone who changed a redaction set's marks or terms, besides the
-- person who drew it: none of them may approve it (the rule of four eyes).
ALTER TABLE redaction_sets ADD COLUMN edited_by TEXT NOT NULL DEFAULT '[]';
