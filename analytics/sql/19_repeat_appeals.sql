-- Repeat appeals received in the period: a later appeal on the same problem and place within the setting
-- `appeals.repeat_days` of an earlier answered one (analytics/repeats.py; docs/repeats.md), with whose answer did
-- not solve it, the verdict of that appeal's last final answer up to as_of and how many days after its first
-- answer the citizen wrote again.
-- Params: as_of (default: the latest post), days (7).
-- Columns: appeal_id, received_at, settlement, topic, earlier_id, org, earlier_verdict, days_after_answer, why (the
-- detector's reason, in Russian).
SELECT r.appeal_id AS appeal_id, r.received_at AS received_at, r.settlement AS settlement, r.topic AS topic,
       l.target_id AS earlier_id, if(e.org = '', '(не указана)', e.org) AS org, v.verdict AS earlier_verdict,
       round(dateDiff('second', v.first_at, r.received_at) / 86400, 1) AS days_after_answer, l.why AS why
FROM (SELECT appeal_id, target_id, why FROM appeal_links FINAL WHERE kind = 'repeat') AS l
INNER JOIN (SELECT * FROM appeals FINAL
            WHERE received_at > {as_of:DateTime64(3, 'UTC')} - toIntervalDay({days:UInt32})
              AND received_at <= {as_of:DateTime64(3, 'UTC')}) AS r ON r.appeal_id = l.appeal_id
INNER JOIN (SELECT appeal_id, org FROM appeals FINAL) AS e ON e.appeal_id = l.target_id
LEFT JOIN (SELECT appeal_id, min(answered_at) AS first_at,
                  argMaxIf(verdict, (answered_at, answer_id), kind = 'final') AS verdict
           FROM appeal_answers FINAL WHERE answered_at <= {as_of:DateTime64(3, 'UTC')}
           GROUP BY appeal_id) AS v ON v.appeal_id = l.target_id
ORDER BY received_at, appeal_id
