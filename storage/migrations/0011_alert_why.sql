-- 0011: why an alert's posts are one story (stories by meaning, issue 14), as the card says it
ALTER TABLE alerts ADD COLUMN IF NOT EXISTS why String DEFAULT '';
