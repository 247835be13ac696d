-- Appeals' answer times against their deadlines, per organisation: appeals received in the period (`as_of` -
-- `days` .. `as_of`), answered in time or late (the first final answer against the appeal's deadline_at: 59-ФЗ 30
-- days, ПОС 10, the portal's own; docs/appeals.md), overdue (no final answer and the deadline passed by `as_of`),
-- still waiting; the share in time of those whose outcome is known, the median days to the first final answer.
-- Params: as_of (default: the latest post), days (7).
-- Columns: org, appeals, answered, in_time, late, overdue, waiting, in_time_share, median_days.
SELECT org,
       count() AS appeals,
       countIf(has_answer) AS answered,
       countIf(has_answer AND first_at <= deadline_at) AS in_time,
       answered - in_time AS late,
       countIf(NOT has_answer AND deadline_at < {as_of:DateTime64(3, 'UTC')}) AS overdue,
       appeals - answered - overdue AS waiting,
       if(answered + overdue = 0, NULL, round(in_time / (answered + overdue), 3)) AS in_time_share,
       if(answered = 0, NULL, round(quantileExactInclusiveIf(0.5)(days_to_answer, has_answer), 1)) AS median_days
FROM (SELECT if(a.org = '', '(не указана)', a.org) AS org, a.deadline_at AS deadline_at, f.first_at AS first_at,
             f.appeal_id != '' AS has_answer,
             dateDiff('second', a.received_at, f.first_at) / 86400 AS days_to_answer
      FROM (SELECT * FROM appeals FINAL
            WHERE received_at > {as_of:DateTime64(3, 'UTC')} - toIntervalDay({days:UInt32})
              AND received_at <= {as_of:DateTime64(3, 'UTC')}) AS a
      LEFT JOIN (SELECT appeal_id, min(answered_at) AS first_at FROM appeal_answers FINAL
                 WHERE kind = 'final' AND answered_at <= {as_of:DateTime64(3, 'UTC')}
                 GROUP BY appeal_id) AS f ON f.appeal_id = a.appeal_id)
GROUP BY org
ORDER BY overdue + late DESC, appeals DESC, org
