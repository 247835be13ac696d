-- Stories (alerts) raised in the period per topic and settlement, with their highest level and size.
-- Params: as_of (default: the latest post), days (7).
-- Columns: topic, settlement, stories, posts, top_level, sources.
SELECT topic, settlement, count() AS stories, sum(n_posts) AS posts,
       arrayElement(['низкий', 'средний', 'высокий', 'критический'],
                    max(indexOf(['низкий', 'средний', 'высокий', 'критический'], level))) AS top_level,
       length(arrayDistinct(arrayFlatten(groupArray(sources)))) AS sources
FROM alerts FINAL
WHERE created_at > {as_of:DateTime64(3, 'UTC')} - toIntervalDay({days:UInt32})
  AND created_at <= {as_of:DateTime64(3, 'UTC')}
GROUP BY topic, settlement
ORDER BY stories DESC, posts DESC, topic, settlement
