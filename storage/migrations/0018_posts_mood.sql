-- 0018: detection's complaint mood gets its own column (issue 14). `negative` is now the complaint-mood head's
-- P(negative) and `mood` its likeliest class (what reads_positive reads); `sentiment` / `sentiment_score` come from
-- the public sentiment model, which may change without moving detection. Posts stored before were read by one model
-- for both, so their mood is their sentiment (the DEFAULT, computed on read for stored parts).
ALTER TABLE posts ADD COLUMN IF NOT EXISTS mood LowCardinality(String) DEFAULT sentiment;
