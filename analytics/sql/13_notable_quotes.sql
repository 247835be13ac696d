-- Notable quotes: the most engaged negative reports of the period, with links, for the digest and briefings.
-- Engagement = likes + reposts + comments. One quote per settlement and topic, so one loud thread does not
-- fill the list.
-- `official`: sources whose posts are the administration's own (their pages' comments stay in).
-- Params: as_of (default: the latest post), days (7), min_score (0.55), official ([]), limit (20).
-- Columns: published_at, settlement, street, object, topic, source_name, text, url, engagement.
SELECT published_at, settlement, street, object, topic, source_name, text, url, engagement
FROM (SELECT published_at, settlement, street, object, topic, source_name, text, url,
             toUInt64(likes) + reposts + comments AS engagement
      FROM posts FINAL
      WHERE published_at > {as_of:DateTime64(3, 'UTC')} - toIntervalDay({days:UInt32})
        AND published_at <= {as_of:DateTime64(3, 'UTC')}
        AND topic != 'other' AND topic_score >= {min_score:Float32} AND sentiment = 'negative' AND text != ''
        AND NOT (has({official:Array(String)}, source) AND parent_uid = '')
      ORDER BY engagement DESC, published_at, uid
      LIMIT 1 BY settlement, topic)
ORDER BY engagement DESC, published_at
LIMIT {limit:UInt32}
