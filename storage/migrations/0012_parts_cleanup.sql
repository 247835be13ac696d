-- 0012: merged-away parts are removed 60 s after a merge instead of MergeTree's default 480 s (issue 16).
-- The pipeline writes these tables in many small inserts; every merge leaves the parts it merged on disk and in
-- the embedded engine's memory until old_parts_lifetime has passed (wall time), and a soak that packs days into
-- minutes piled up 1,463 parts (15–21 active). The default's 8 minutes guard a just-merged part against a crash
-- before the merged part reached the disk (a server without fsync after merges); here the store is one process
-- (embedded, or a server of our own), and every write it holds is re-sent idempotently: posts, alerts,
-- cursors, chat and risk rows are ReplacingMergeTree upserts, aggregates are rebuilt from posts, and a lost
-- poll log or dead letter row costs a line of history. One minute still outlives any merge the store runs.
-- chdb 4.4 ignores merge_tree.* options given at engine start, so the setting is per table.
ALTER TABLE posts MODIFY SETTING old_parts_lifetime = 60;
ALTER TABLE alerts MODIFY SETTING old_parts_lifetime = 60;
ALTER TABLE dead_letters MODIFY SETTING old_parts_lifetime = 60;
ALTER TABLE source_cursors MODIFY SETTING old_parts_lifetime = 60;
ALTER TABLE source_polls MODIFY SETTING old_parts_lifetime = 60;
ALTER TABLE risk_events MODIFY SETTING old_parts_lifetime = 60;
ALTER TABLE risk_answers MODIFY SETTING old_parts_lifetime = 60;
ALTER TABLE posts_hourly MODIFY SETTING old_parts_lifetime = 60;
ALTER TABLE stories_hourly MODIFY SETTING old_parts_lifetime = 60;
ALTER TABLE chat_messages MODIFY SETTING old_parts_lifetime = 60;
ALTER TABLE chat_offsets MODIFY SETTING old_parts_lifetime = 60;
