-- The noisiest sources of the period: posts, negative share, toxic posts and how many of their posts
-- ended up in stories. Read from the posts_hourly aggregate (kept after raw text expires) and alerts.
-- Params: as_of (default: the latest post), days (7), limit (10).
-- Columns: source, platform, posts, negative_share, toxic, authors, reactions, stories.
SELECT h.source AS source, h.platform AS platform, h.posts AS posts, h.negative_share AS negative_share,
       h.toxic AS toxic, h.authors AS authors, h.reactions AS reactions, s.stories AS stories
FROM (SELECT source, any(platform) AS platform, uniqExactMerge(posts_state) AS posts,
             round(uniqExactIfMerge(negative_state) / posts, 3) AS negative_share,
             uniqExactIfMerge(toxic_state) AS toxic, uniqExactMerge(authors_state) AS authors,
             sumMerge(reactions_state) AS reactions
      FROM posts_hourly
      WHERE hour > toStartOfHour({as_of:DateTime64(3, 'UTC')} - toIntervalDay({days:UInt32}))
        AND hour <= {as_of:DateTime64(3, 'UTC')}
      GROUP BY source) AS h
LEFT JOIN (SELECT source, uniqExactMerge(stories_state) AS stories
           FROM stories_hourly
           WHERE hour > toStartOfHour({as_of:DateTime64(3, 'UTC')} - toIntervalDay({days:UInt32}))
             AND hour <= {as_of:DateTime64(3, 'UTC')}
           GROUP BY source) AS s ON s.source = h.source
ORDER BY posts DESC, source
LIMIT {limit:UInt32}
SETTINGS join_use_nulls = 0
