-- Residents' mood by day: posts, the share of negative posts and the mean negative probability per local
-- day (`tz`) for the `days` up to `as_of`, from the posts_hourly aggregate.
-- Params: as_of (default: the latest post), days (7), tz (Europe/Moscow).
-- Columns: day, posts, negative, negative_share, mean_negative.
SELECT toDate(hour, {tz:String}) AS day, uniqExactMerge(posts_state) AS posts,
       uniqExactIfMerge(negative_state) AS negative, round(negative / posts, 3) AS negative_share,
       round(avgMerge(negative_prob), 3) AS mean_negative
FROM posts_hourly
WHERE hour > toStartOfHour({as_of:DateTime64(3, 'UTC')} - toIntervalDay({days:UInt32}))
  AND hour <= {as_of:DateTime64(3, 'UTC')}
GROUP BY day
ORDER BY day
