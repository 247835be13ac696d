-- posts: one row per post uid (ReplacingMergeTree by ingested_at; the writer also skips uids it already has)
CREATE TABLE IF NOT EXISTS posts (
    uid             String,
    platform        LowCardinality(String),
    source          LowCardinality(String),
    source_name     String,
    author          String,
    published_at    DateTime64(3, 'UTC'),
    text            String,
    url             String,
    parent_uid      String,
    likes           UInt32,
    reposts         UInt32,
    comments        UInt32,
    views           UInt32,
    topic           LowCardinality(String),
    topic_score     Float32,
    topics          Map(String, Float32),
    sentiment       LowCardinality(String),
    sentiment_score Float32,
    negative        Float32,
    toxic           UInt8,
    settlement      LowCardinality(String),
    settlements     Array(String),
    model_version   LowCardinality(String),
    dataset         LowCardinality(String),
    ingested_at     DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(published_at)
ORDER BY (toDate(published_at), uid);

-- alerts: one row per story after FINAL; every update is a new version (updated_at, event time)
CREATE TABLE IF NOT EXISTS alerts (
    alert_id        String,
    kind            LowCardinality(String),
    topic           LowCardinality(String),
    settlement      LowCardinality(String),
    level           LowCardinality(String),
    score           Float32,
    created_at      DateTime64(3, 'UTC'),
    updated_at      DateTime64(3, 'UTC'),
    first_at        DateTime64(3, 'UTC'),
    last_at         DateTime64(3, 'UTC'),
    post_uids       Array(String),
    sources         Array(String),
    n_posts         UInt32,
    negative_share  Float32,
    snippets        Array(Tuple(text String, url String)),
    dataset         LowCardinality(String)
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY alert_id;

-- dead_letters: every input record we could not use, with the reason; nothing is dropped silently
CREATE TABLE IF NOT EXISTS dead_letters (
    received_at     DateTime64(3, 'UTC'),
    origin          String,
    reason          String,
    raw             String,
    dataset         LowCardinality(String)
) ENGINE = MergeTree
ORDER BY received_at;
