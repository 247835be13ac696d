-- Top problems of the period by settlement.
-- Which risk topics residents reported most in each settlement during the `days` before `as_of`.
-- A report is a post whose best topic is a risk topic (not "other") at `min_score` or more (the detector's
-- topic threshold). Posts with no recognised settlement are grouped under ''.
-- Params: as_of (default: the latest post), days (7), min_score (0.55), limit (20).
-- Columns: settlement, topic, posts, authors, negative_share, first_at, last_at.
SELECT settlement, topic, count() AS posts, uniqExact(author) AS authors,
       round(countIf(sentiment = 'negative') / count(), 3) AS negative_share,
       min(published_at) AS first_at, max(published_at) AS last_at
FROM posts FINAL
WHERE published_at > {as_of:DateTime64(3, 'UTC')} - toIntervalDay({days:UInt32})
  AND published_at <= {as_of:DateTime64(3, 'UTC')}
  AND topic != 'other' AND topic_score >= {min_score:Float32}
GROUP BY settlement, topic
ORDER BY posts DESC, settlement, topic
LIMIT {limit:UInt32}
