-- The period in one row: posts, the share of negative ones, residents (authors), sources, reports (posts of a
-- risk topic at `min_score` or more) and stories raised, exactly for (as_of - days, as_of].
-- Params: as_of (default: the latest post), days (7), min_score (0.55).
-- Columns: posts, negative, negative_share, authors, sources, reports, stories.
SELECT count() AS posts, countIf(sentiment = 'negative') AS negative,
       if(posts = 0, NULL, round(negative / posts, 3)) AS negative_share,
       uniqExact(author) AS authors, uniqExact(source) AS sources,
       countIf(topic != 'other' AND topic_score >= {min_score:Float32}) AS reports,
       (SELECT count() FROM alerts FINAL
        WHERE created_at > {as_of:DateTime64(3, 'UTC')} - toIntervalDay({days:UInt32})
          AND created_at <= {as_of:DateTime64(3, 'UTC')}) AS stories
FROM posts FINAL
WHERE published_at > {as_of:DateTime64(3, 'UTC')} - toIntervalDay({days:UInt32})
  AND published_at <= {as_of:DateTime64(3, 'UTC')}
