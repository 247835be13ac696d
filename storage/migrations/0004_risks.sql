-- The risk workflow of the district's «Порядок работы с информационными рисками» (issue 6).
-- A risk is an alert (alerts.alert_id) being worked out. Its history is append-only: one row per event;
-- the current state of a risk is argMax(state, (at, seq)) over its events. Event ids are deterministic, so a
-- replay or a redelivered button press writes the same row again (ReplacingMergeTree folds it).
CREATE TABLE IF NOT EXISTS risk_events (
    alert_id    String,
    event_id    String,                      -- deterministic: hash of (alert_id, event, at, actor, details)
    seq         UInt32,                      -- order of events that share one timestamp
    at          DateTime64(3, 'UTC'),        -- event time (a post's time in replays, the press time in the chat)
    event       LowCardinality(String),      -- detected | taken | answered | watching | worked_out | reopened
                                             -- | false_alarm | topic_changed | reminder | escalated
    state       LowCardinality(String),      -- the state after the event: new | in_work | answered | watching
                                             -- | worked_out | false_alarm
    actor       String,                      -- "dozor" for automatic events, else the staff member (id or name)
    details     String,                      -- JSON: the figures behind an automatic verdict, a new topic, ...
    dataset     LowCardinality(String)
) ENGINE = ReplacingMergeTree
ORDER BY (alert_id, at, seq, event_id);

-- Answers registered against a risk: the answer's text, the platforms where it is published and the links to
-- the publications (the seed's report format), or a post on an official page matched to the story.
CREATE TABLE IF NOT EXISTS risk_answers (
    alert_id    String,
    answer_id   String,                      -- deterministic: chat message id, or the official post's uid
    answered_at DateTime64(3, 'UTC'),
    text        String,
    platforms   Array(String),
    links       Array(String),
    linked_uids Array(String),               -- links that point at posts we collected, as posts.uid
    author      String,
    origin      LowCardinality(String),      -- chat | official_page
    dataset     LowCardinality(String)
) ENGINE = ReplacingMergeTree
ORDER BY (alert_id, answer_id);
