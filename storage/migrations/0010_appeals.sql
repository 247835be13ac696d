-- The appeals register (issue 19): citizens' appeals from ПОС «Решаем вместе», the document system and the city
-- portal, with their answers, status history and links to risks. Keys are deterministic (source + the source's
-- own id), so a re-import writes the same rows again and ReplacingMergeTree folds them; the importer also skips
-- keys it has, so a re-import adds nothing even before a merge.
CREATE TABLE IF NOT EXISTS appeals (
    appeal_id    String,                      -- "<source>:<the source's id>": pos:123, edo:2021-15/7, portal:2948002
    source       LowCardinality(String),      -- pos | edo | portal | file
    channel      LowCardinality(String),      -- 59fz | pos | portal: which deadline applies
    received_at  DateTime64(3, 'UTC'),
    text         String,
    category     String,                      -- the source's own category / reason, as given
    topic        LowCardinality(String),      -- our topic (the same model as posts)
    topic_score  Float32,
    settlement   LowCardinality(String),      -- gazetteer name from the text or the address; '' = none
    address      String,
    org          String,                      -- the organisation responsible for the answer
    status       String,                      -- the source's latest status, as given
    closed_at    Nullable(DateTime64(3, 'UTC')),
    deadline_at  DateTime64(3, 'UTC'),        -- by channel and topic (pipeline/appeals.py: deadline)
    rating       LowCardinality(String),      -- the citizen's own rating: satisfied | not_satisfied | ''
    author       String,                      -- pseudonymised like posts.author; '' when unknown
    dataset      LowCardinality(String),
    ingested_at  DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(received_at)
ORDER BY appeal_id;

-- Every answer an appeal got, judged: verdict and what is missing (classifiers/answer_quality.py).
CREATE TABLE IF NOT EXISTS appeal_answers (
    appeal_id     String,
    answer_id     String,                     -- "<appeal_id>#<n>", n = the answer's place in time order
    answered_at   DateTime64(3, 'UTC'),
    org           String,
    kind          LowCardinality(String),     -- final | intermediate
    text          String,
    verdict       LowCardinality(String),     -- решено | разъяснение | отписка | переадресовано
    missing       Array(String),              -- guideline codes (docs/answers/guidelines.md §2)
    model_version LowCardinality(String),
    dataset       LowCardinality(String),
    ingested_at   DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree(ingested_at)
ORDER BY (appeal_id, answer_id);

-- What happened to an appeal besides answers: statuses, the citizen's replies and ratings, reroutes.
CREATE TABLE IF NOT EXISTS appeal_events (
    appeal_id   String,
    at          DateTime64(3, 'UTC'),
    event       LowCardinality(String),       -- status | satisfied | not_satisfied | rerouted | returned
    detail      String,                       -- the status name, the citizen's text, the reroute note
    dataset     LowCardinality(String)
) ENGINE = ReplacingMergeTree
ORDER BY (appeal_id, at, event, detail);

-- Links found between appeals and risks: a repeat appeal on the same problem and place (kind = repeat, target =
-- the earlier appeal), or an appeal about a risk's problem and place (kind = risk, target = alerts.alert_id).
CREATE TABLE IF NOT EXISTS appeal_links (
    appeal_id   String,
    kind        LowCardinality(String),       -- repeat | risk
    target_id   String,
    score       Float32,                      -- similarity of the two texts (repeat) or 1 (risk)
    dataset     LowCardinality(String)
) ENGINE = ReplacingMergeTree
ORDER BY (appeal_id, kind, target_id);

-- The verdict of official answers registered for risks (risk_answers), and of drafts checked in the chat.
CREATE TABLE IF NOT EXISTS risk_answer_quality (
    alert_id      String,
    answer_id     String,
    checked_at    DateTime64(3, 'UTC'),
    verdict       LowCardinality(String),
    missing       Array(String),
    model_version LowCardinality(String)
) ENGINE = ReplacingMergeTree(checked_at)
ORDER BY (alert_id, answer_id);
