-- Topic dynamics: reports per local day (`tz`) and topic over the `days` up to `as_of`, from posts_hourly
-- (every post of a risk topic, whatever its score). For charts: pivot topic into columns.
-- Params: as_of (default: the latest post), days (7), tz (Europe/Moscow).
-- Columns: day, topic, posts, negative_share.
SELECT toDate(hour, {tz:String}) AS day, topic, uniqExactMerge(posts_state) AS posts,
       round(uniqExactIfMerge(negative_state) / posts, 3) AS negative_share
FROM posts_hourly
WHERE hour > toStartOfHour({as_of:DateTime64(3, 'UTC')} - toIntervalDay({days:UInt32}))
  AND hour <= {as_of:DateTime64(3, 'UTC')} AND topic != 'other'
GROUP BY day, topic
ORDER BY day, posts DESC, topic
