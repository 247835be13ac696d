-- Problem volume by settlement for the map: reports (as in 01), stories and the negative share per
-- settlement in the period. Coordinates come from the gazetteer (pipeline/data/gazetteer.yaml).
-- Params: as_of (default: the latest post), days (7), min_score (0.55).
-- Columns: settlement, posts, negative_share, stories.
SELECT p.settlement AS settlement, p.posts AS posts, p.negative_share AS negative_share, s.stories AS stories
FROM (SELECT settlement, count() AS posts, round(countIf(sentiment = 'negative') / count(), 3) AS negative_share
      FROM posts FINAL
      WHERE published_at > {as_of:DateTime64(3, 'UTC')} - toIntervalDay({days:UInt32})
        AND published_at <= {as_of:DateTime64(3, 'UTC')}
        AND topic != 'other' AND topic_score >= {min_score:Float32} AND settlement != ''
      GROUP BY settlement) AS p
LEFT JOIN (SELECT settlement, count() AS stories FROM alerts FINAL
           WHERE created_at > {as_of:DateTime64(3, 'UTC')} - toIntervalDay({days:UInt32})
             AND created_at <= {as_of:DateTime64(3, 'UTC')}
           GROUP BY settlement) AS s ON s.settlement = p.settlement
ORDER BY posts DESC, settlement
SETTINGS join_use_nulls = 0
