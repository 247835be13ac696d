-- labels: what staff (alert buttons) or imports say a post really is; the classifiers retrain on them
CREATE TABLE IF NOT EXISTS labels (
    uid         String,                      -- post uid (posts.uid) or, for imported rows, the import's id
    task        LowCardinality(String),      -- topics | sentiment | toxicity
    label       String,
    text        String,                      -- the text labelled (imports may label texts we never collected)
    who         String,
    labelled_at DateTime64(3, 'UTC'),
    source      LowCardinality(String)       -- alert_button | import
) ENGINE = ReplacingMergeTree(labelled_at)
ORDER BY (task, uid);
