-- What the answers did, by organisation and topic: for the appeals received in the period, the verdict of each
-- one's last final answer by `as_of` (classifiers/answer_quality.py): решено (fixed, or a fix with a date),
-- разъяснение (explains, no action), отписка (formal), переадресовано (sent elsewhere); the share of «решено»
-- and of «разъяснение» + «отписка» among the answered.
-- Params: as_of (default: the latest post), days (7).
-- Columns: org, topic, answered, resolved, explained, formal, redirected, resolved_share, unresolved_share.
SELECT if(a.org = '', '(не указана)', a.org) AS org, a.topic AS topic,
       count() AS answered,
       countIf(v.verdict = 'решено') AS resolved,
       countIf(v.verdict = 'разъяснение') AS explained,
       countIf(v.verdict = 'отписка') AS formal,
       countIf(v.verdict = 'переадресовано') AS redirected,
       round(resolved / answered, 3) AS resolved_share,
       round((explained + formal) / answered, 3) AS unresolved_share
FROM (SELECT * FROM appeals FINAL
      WHERE received_at > {as_of:DateTime64(3, 'UTC')} - toIntervalDay({days:UInt32})
        AND received_at <= {as_of:DateTime64(3, 'UTC')}) AS a
INNER JOIN (SELECT appeal_id, argMax(verdict, (answered_at, answer_id)) AS verdict FROM appeal_answers FINAL
            WHERE kind = 'final' AND answered_at <= {as_of:DateTime64(3, 'UTC')}
            GROUP BY appeal_id) AS v ON v.appeal_id = a.appeal_id
GROUP BY org, topic
ORDER BY unresolved_share DESC, answered DESC, org, topic
