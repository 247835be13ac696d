-- 0014: merged-away parts are removed by the table's own cleanup, one after another, never by a pool of threads
-- (issue 16). MergeTree removes more than concurrent_part_removal_threshold (default 100) parts at once in
-- parallel, on up to max_parts_cleaning_thread_pool_size (128) threads of the engine's global pool, and the
-- global pool then keeps those threads idle for good (up to 1,000): the soak, whose packed days leave thousands
-- of small merged-away parts, went from 29 to 154 threads on its second day and the engine's allocator from 164
-- to 220 MB resident (each thread's stack and jemalloc cache). A store-only probe, 1,500 one-row inserts: 154
-- threads and 97 MB RssAnon with the default, 25 threads and 75 MB with this. Removing tiny parts one by one is
-- cheap, and the cleanup thread has nothing else to do. chdb 4.4 takes neither max_parts_cleaning_thread_pool_size
-- nor max_thread_pool_free_size at engine start (tried), so the setting is per table, as in 0012.
ALTER TABLE posts MODIFY SETTING concurrent_part_removal_threshold = 1000000;
ALTER TABLE alerts MODIFY SETTING concurrent_part_removal_threshold = 1000000;
ALTER TABLE dead_letters MODIFY SETTING concurrent_part_removal_threshold = 1000000;
ALTER TABLE labels MODIFY SETTING concurrent_part_removal_threshold = 1000000;
ALTER TABLE source_cursors MODIFY SETTING concurrent_part_removal_threshold = 1000000;
ALTER TABLE source_polls MODIFY SETTING concurrent_part_removal_threshold = 1000000;
ALTER TABLE risk_events MODIFY SETTING concurrent_part_removal_threshold = 1000000;
ALTER TABLE risk_answers MODIFY SETTING concurrent_part_removal_threshold = 1000000;
ALTER TABLE posts_hourly MODIFY SETTING concurrent_part_removal_threshold = 1000000;
ALTER TABLE stories_hourly MODIFY SETTING concurrent_part_removal_threshold = 1000000;
ALTER TABLE chat_messages MODIFY SETTING concurrent_part_removal_threshold = 1000000;
ALTER TABLE chat_offsets MODIFY SETTING concurrent_part_removal_threshold = 1000000;
ALTER TABLE appeals MODIFY SETTING concurrent_part_removal_threshold = 1000000;
ALTER TABLE appeal_answers MODIFY SETTING concurrent_part_removal_threshold = 1000000;
ALTER TABLE appeal_events MODIFY SETTING concurrent_part_removal_threshold = 1000000;
ALTER TABLE appeal_links MODIFY SETTING concurrent_part_removal_threshold = 1000000;
ALTER TABLE risk_answer_quality MODIFY SETTING concurrent_part_removal_threshold = 1000000;
