-- Topic seasonality: how each topic's posts spread over months, weekdays and hours of the day (local time
-- `tz`) over all the data kept. On a long history read the month column; on one week, weekday and hour.
-- Reads posts_hourly, so it covers posts whose raw text has expired.
-- Params: tz (settings.timezone, Europe/Moscow).
-- Columns: topic, month, weekday (1 = Monday), hour_of_day, posts, negative_share.
SELECT topic, toStartOfMonth(hour, {tz:String}) AS month, toDayOfWeek(hour, 0, {tz:String}) AS weekday,
       toHour(toTimeZone(hour, {tz:String})) AS hour_of_day,
       uniqExactMerge(posts_state) AS posts,
       round(uniqExactIfMerge(negative_state) / posts, 3) AS negative_share
FROM posts_hourly
WHERE topic != 'other'
GROUP BY topic, month, weekday, hour_of_day
ORDER BY topic, month, weekday, hour_of_day
