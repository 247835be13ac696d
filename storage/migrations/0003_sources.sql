-- source_cursors: where each live source was read up to; the latest saved_at wins. Saved only after the posts
-- of a poll are stored (or handed to Kafka), so a crash re-reads rather than skips.
CREATE TABLE IF NOT EXISTS source_cursors (
    source      String,                      -- "vk:-123", "tg:demyansk_chat"
    cursor      String,                      -- JSON: last_id, last_post_at, watch, backfilled, extra
    saved_at    DateTime64(6, 'UTC')
) ENGINE = ReplacingMergeTree(saved_at)
ORDER BY source;

-- source_polls: one row per poll of a live source: what came, what failed. Completeness ("нет данных") and the
-- health line are computed from it and from posts. Small (sources x polls a day); no TTL, so replays of past
-- weeks keep their poll log too.
CREATE TABLE IF NOT EXISTS source_polls (
    source      LowCardinality(String),
    polled_at   DateTime64(3, 'UTC'),
    ok          UInt8,
    posts       UInt32,                      -- posts and comments handed on (new or edited)
    new_posts   UInt32,                      -- of them, not stored before
    error       String,                      -- Russian reason when ok = 0
    action      LowCardinality(String),      -- backoff Action when ok = 0: retry_after | quota | auth | skip_source | fail
    last_post_at Nullable(DateTime64(3, 'UTC'))
) ENGINE = MergeTree
ORDER BY (source, polled_at);
