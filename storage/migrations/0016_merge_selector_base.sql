-- 0016: merges rewrite the big part of a table less often: merge_selector_base = 20 instead of 5 on the tables the
-- pipeline writes in many small inserts (issue 16). MergeTree's merge selector counts every part below ~5 MB as if
-- it were 5 MB (a merge's fixed cost), so while a table's biggest part is smaller than that, a range of it and
-- about `base` tiny parts always qualifies and scores best: the whole table was merged again every 2-5 inserts
-- (a store-only probe of the soak's posts inserts: the biggest part at merge level 170 after 800 inserts of 9
-- rows, ~3,000-3,600 rows merged per row inserted into posts and posts_hourly), so the merge work per insert grew
-- with the table until it passed those 5 MB — the soak's per-post time rose over days 1-4 (3.6 -> 5.9 ms) with
-- thousands of merged-away parts waiting. With base 20 the biggest part is merged once per ~20 small parts (the
-- same probe: level 24-27, 190-1,000 rows merged per insert), and the merge work per insert levels off ~4x lower
-- (at about 5 MB / (base - 1) of rewritten part). The price: up to ~20 small parts per partition stay active
-- between merges (reads touch a few more parts; inserts are delayed only at 1,000). ClickHouse 25.8 (the compose
-- file's server) and chdb 4.4 both take the setting.
ALTER TABLE posts MODIFY SETTING merge_selector_base = 20;
ALTER TABLE alerts MODIFY SETTING merge_selector_base = 20;
ALTER TABLE dead_letters MODIFY SETTING merge_selector_base = 20;
ALTER TABLE source_cursors MODIFY SETTING merge_selector_base = 20;
ALTER TABLE source_polls MODIFY SETTING merge_selector_base = 20;
ALTER TABLE risk_events MODIFY SETTING merge_selector_base = 20;
ALTER TABLE risk_answers MODIFY SETTING merge_selector_base = 20;
ALTER TABLE posts_hourly MODIFY SETTING merge_selector_base = 20;
ALTER TABLE stories_hourly MODIFY SETTING merge_selector_base = 20;
ALTER TABLE chat_messages MODIFY SETTING merge_selector_base = 20;
ALTER TABLE chat_offsets MODIFY SETTING merge_selector_base = 20;
