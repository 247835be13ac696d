-- Places not in the gazetteer: names residents wrote after a place marker («в деревне Кирилловщина») that the
-- gazetteer does not know (posts.place_unverified), with the posts naming each in the period — what to add to
-- the gazetteer (deploy/gazetteer/). `dozor sources status` prints the same for the last 7 days.
-- Params: as_of (default: the latest post), days (7), limit (20).
-- Columns: place, posts, first_at, last_at.
SELECT place, uniqExact(uid) AS posts, min(published_at) AS first_at, max(published_at) AS last_at
FROM (SELECT uid, published_at, place_unverified FROM posts FINAL
      WHERE published_at > {as_of:DateTime64(3, 'UTC')} - toIntervalDay({days:UInt32})
        AND published_at <= {as_of:DateTime64(3, 'UTC')} AND notEmpty(place_unverified))
ARRAY JOIN place_unverified AS place
GROUP BY place
ORDER BY posts DESC, place
LIMIT {limit:UInt32}
