-- 0017: the uid lookup's bloom filter 0.01 -> 0.001 (issue 16). A live poll's uids are mostly new, so what the
-- lookup (known_posts) reads are the filter's false positives: with 0.01 about 9 % of all granules of posts for a
-- poll of 9 uids, so the rows read per poll grew with the table (the soak: its queries read 0.6 -> 6.7 thousand
-- rows a poll over 7 days; the lookup 3.6 -> 4.1 ms of CPU). With 0.001 ~1 % (a store-only probe of 9 new uids a
-- lookup, 15,000 -> 105,000 posts: 8,900 -> ~500 rows read a lookup at the end, CPU ~2.6-2.9 ms instead of
-- 3.3 -> 3.7). The index grows from ~10 to ~14 bits per row. Same name; MATERIALIZE rebuilds it for stored posts.
ALTER TABLE posts DROP INDEX IF EXISTS uid_bloom;
ALTER TABLE posts ADD INDEX IF NOT EXISTS uid_bloom uid TYPE bloom_filter(0.001) GRANULARITY 1;
ALTER TABLE posts MATERIALIZE INDEX uid_bloom;
