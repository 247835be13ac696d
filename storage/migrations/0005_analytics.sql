-- Analytics (issue 7): hourly aggregates kept by materialized views, so the figures outlive the raw text
-- (`dozor storage apply-ttl` clears old posts.text; these tables have no TTL).
--
-- Hours, not days: a day is a local notion (settings.timezone), and hours in UTC add up to any local day
-- whose offset is whole hours: SELECT toDate(hour, 'Europe/Moscow') AS day, uniqExactMerge(posts_state) ...
--
-- A materialized view sees INSERTs, not the table after ReplacingMergeTree folds duplicates. The counts are
-- therefore kept as uniqExact states of the post uid (or alert_id): a post inserted twice counts once. The
-- posts writer already skips uids it has; the alerts writer writes every new version of a story, which is
-- why stories are counted by alert_id too. Sums (reactions) are exact only while uids are not re-inserted.

-- posts_hourly: posts per hour x topic x settlement x source
CREATE TABLE IF NOT EXISTS posts_hourly (
    hour            DateTime('UTC'),
    topic           LowCardinality(String),
    settlement      LowCardinality(String),
    source          LowCardinality(String),
    platform        LowCardinality(String),
    dataset         LowCardinality(String),
    posts_state     AggregateFunction(uniqExact, String),                -- posts (uids)
    negative_state  AggregateFunction(uniqExactIf, String, UInt8),       -- posts with sentiment = negative
    toxic_state     AggregateFunction(uniqExactIf, String, UInt8),       -- posts flagged toxic
    authors_state   AggregateFunction(uniqExact, String),                -- distinct (pseudonymised) authors
    negative_prob   AggregateFunction(avg, Float32),                     -- mean negative probability
    reactions_state AggregateFunction(sum, UInt64)                       -- likes + reposts + comments
) ENGINE = AggregatingMergeTree
ORDER BY (hour, topic, settlement, source, platform, dataset);

CREATE MATERIALIZED VIEW IF NOT EXISTS posts_hourly_mv TO posts_hourly AS
SELECT toStartOfHour(toDateTime(published_at, 'UTC')) AS hour, topic, settlement, source, platform, dataset,
       uniqExactState(uid) AS posts_state,
       uniqExactIfState(uid, toUInt8(sentiment = 'negative')) AS negative_state,
       uniqExactIfState(uid, toUInt8(toxic = 1)) AS toxic_state,
       uniqExactState(author) AS authors_state,
       avgState(negative) AS negative_prob,
       sumState(toUInt64(likes) + reposts + comments) AS reactions_state
FROM posts
GROUP BY hour, topic, settlement, source, platform, dataset;

-- stories_hourly: stories (alerts) by the hour they were raised x topic x settlement x source they touch
CREATE TABLE IF NOT EXISTS stories_hourly (
    hour            DateTime('UTC'),
    topic           LowCardinality(String),
    settlement      LowCardinality(String),
    source          LowCardinality(String),
    dataset         LowCardinality(String),
    stories_state   AggregateFunction(uniqExact, String)                 -- alert ids
) ENGINE = AggregatingMergeTree
ORDER BY (hour, topic, settlement, source, dataset);

CREATE MATERIALIZED VIEW IF NOT EXISTS stories_hourly_mv TO stories_hourly AS
SELECT toStartOfHour(toDateTime(created_at, 'UTC')) AS hour, topic, settlement, arrayJoin(sources) AS source,
       dataset, uniqExactState(alert_id) AS stories_state
FROM alerts
GROUP BY hour, topic, settlement, source, dataset;

-- Databases that had data before this migration: fill the aggregates from it (uniqExact states make a
-- row inserted both here and by the view count once).
INSERT INTO posts_hourly
SELECT toStartOfHour(toDateTime(published_at, 'UTC')) AS hour, topic, settlement, source, platform, dataset,
       uniqExactState(uid), uniqExactIfState(uid, toUInt8(sentiment = 'negative')),
       uniqExactIfState(uid, toUInt8(toxic = 1)), uniqExactState(author), avgState(negative),
       sumState(toUInt64(likes) + reposts + comments)
FROM posts FINAL
GROUP BY hour, topic, settlement, source, platform, dataset;

INSERT INTO stories_hourly
SELECT toStartOfHour(toDateTime(created_at, 'UTC')) AS hour, topic, settlement, arrayJoin(sources) AS source,
       dataset, uniqExactState(alert_id)
FROM alerts
GROUP BY hour, topic, settlement, source, dataset;
