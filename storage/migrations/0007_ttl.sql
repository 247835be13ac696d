-- source_polls keeps 90 days, as docs/schema.md has always said (issue 16): the health line reads the last days only,
-- and a poll log that grows without end costs every tick more. Row TTL, applied at merges.
ALTER TABLE source_polls MODIFY TTL toDateTime(polled_at) + INTERVAL 90 DAY;
