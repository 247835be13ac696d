-- Growth against the previous period, by topic and settlement.
-- Reports (as in 01) in the `days` before `as_of` against the `days` before that; growth is NULL when the
-- previous period had none. Read from posts, so uids are counted once.
-- Params: as_of (default: the latest post), days (7), min_score (0.55).
-- Columns: topic, settlement, this_period, previous_period, delta, growth.
SELECT topic, settlement,
       countIf(published_at > {as_of:DateTime64(3, 'UTC')} - toIntervalDay({days:UInt32})) AS this_period,
       countIf(published_at <= {as_of:DateTime64(3, 'UTC')} - toIntervalDay({days:UInt32})) AS previous_period,
       toInt64(this_period) - toInt64(previous_period) AS delta,
       if(previous_period = 0, NULL, round(this_period / previous_period - 1, 3)) AS growth
FROM posts FINAL
WHERE published_at > {as_of:DateTime64(3, 'UTC')} - toIntervalDay(2 * {days:UInt32})
  AND published_at <= {as_of:DateTime64(3, 'UTC')}
  AND topic != 'other' AND topic_score >= {min_score:Float32}
GROUP BY topic, settlement
ORDER BY delta DESC, this_period DESC, topic, settlement
