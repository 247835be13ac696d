-- source_polls keeps 90 days, as docs/schema.md has always said (issue 16): the health line reads the last days only,
-- and a poll log that grows without end costs every tick more. The TTL counts from when a row was written
-- (logged_at, the server's clock), not from polled_at, which a test or a replay may set in the past.
ALTER TABLE source_polls ADD COLUMN IF NOT EXISTS logged_at DateTime DEFAULT now();
ALTER TABLE source_polls MODIFY TTL logged_at + INTERVAL 90 DAY;
