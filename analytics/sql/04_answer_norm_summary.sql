-- Answer discipline in one row: how many risks of the period were answered within the norm, late, not yet.
-- The same definitions as 03_answer_times.sql.
-- Params: as_of (default: the latest post), days (7), norm_hours (24).
-- Columns: risks, answered, within_norm, late, overdue, waiting, within_norm_share, median_hours, max_hours.
SELECT count() AS risks,
       countIf(r.answers > 0) AS answered,
       countIf(r.answers > 0 AND dateDiff('second', a.created_at, r.first_at) <= {norm_hours:UInt32} * 3600)
           AS within_norm,
       answered - within_norm AS late,
       countIf(r.answers = 0
               AND dateDiff('second', a.created_at, {as_of:DateTime64(3, 'UTC')}) > {norm_hours:UInt32} * 3600)
           AS overdue,
       risks - answered - overdue AS waiting,
       if(risks = 0, NULL, round(within_norm / risks, 3)) AS within_norm_share,
       if(answered = 0, NULL,
          round(quantileExactIf(0.5)(dateDiff('second', a.created_at, r.first_at) / 3600, r.answers > 0), 2))
           AS median_hours,
       if(answered = 0, NULL, round(maxIf(dateDiff('second', a.created_at, r.first_at) / 3600, r.answers > 0), 2))
           AS max_hours
FROM (SELECT * FROM alerts FINAL) AS a
LEFT JOIN (SELECT alert_id, min(answered_at) AS first_at, count() AS answers
           FROM risk_answers FINAL
           WHERE answered_at <= {as_of:DateTime64(3, 'UTC')}
           GROUP BY alert_id) AS r ON r.alert_id = a.alert_id
WHERE a.created_at > {as_of:DateTime64(3, 'UTC')} - toIntervalDay({days:UInt32})
  AND a.created_at <= {as_of:DateTime64(3, 'UTC')}
SETTINGS join_use_nulls = 0
