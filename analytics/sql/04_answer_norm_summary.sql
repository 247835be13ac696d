-- Answer discipline in one row: how many risks of the period were answered within the norm (8 h), within the
-- deadline (24 h), late, or not yet. The same definitions as 03_answer_times.sql (the clock starts at the
-- story's first post); false alarms left unanswered are neither overdue nor waiting.
-- Params: as_of (default: the latest post), days (7), norm_hours (8), deadline_hours (24).
-- Columns: risks, answered, within_norm, within_deadline, late, overdue, waiting, false_alarms,
--          within_norm_share, within_deadline_share, median_hours, max_hours.
SELECT count() AS risks,
       countIf(answers > 0) AS answered,
       countIf(answers > 0 AND hours <= {norm_hours:UInt32}) AS within_norm,
       countIf(answers > 0 AND hours <= {deadline_hours:UInt32}) AS within_deadline,
       answered - within_deadline AS late,
       countIf(answers = 0 AND state != 'false_alarm' AND age_hours > {deadline_hours:UInt32}) AS overdue,
       countIf(answers = 0 AND state != 'false_alarm' AND age_hours <= {deadline_hours:UInt32}) AS waiting,
       countIf(answers = 0 AND state = 'false_alarm') AS false_alarms,
       if(risks - false_alarms = 0, NULL, round(within_norm / (risks - false_alarms), 3)) AS within_norm_share,
       if(risks - false_alarms = 0, NULL, round(within_deadline / (risks - false_alarms), 3))
           AS within_deadline_share,
       if(answered = 0, NULL, round(quantileExactInclusiveIf(0.5)(hours, answers > 0), 2)) AS median_hours,
       if(answered = 0, NULL, round(maxIf(hours, answers > 0), 2)) AS max_hours
FROM (SELECT a.alert_id AS alert_id, r.answers AS answers,
             dateDiff('second', a.first_at, r.first_at) / 3600 AS hours,
             dateDiff('second', a.first_at, {as_of:DateTime64(3, 'UTC')}) / 3600 AS age_hours,
             if(e.last_state = '', 'new', e.last_state) AS state
      FROM (SELECT * FROM alerts FINAL) AS a
      LEFT JOIN (SELECT alert_id, min(answered_at) AS first_at, count() AS answers
                 FROM risk_answers FINAL
                 WHERE answered_at <= {as_of:DateTime64(3, 'UTC')}
                 GROUP BY alert_id) AS r ON r.alert_id = a.alert_id
      LEFT JOIN (SELECT alert_id, argMax(state, (at, seq)) AS last_state
                 FROM risk_events FINAL WHERE at <= {as_of:DateTime64(3, 'UTC')} GROUP BY alert_id) AS e
             ON e.alert_id = a.alert_id
      WHERE a.created_at > {as_of:DateTime64(3, 'UTC')} - toIntervalDay({days:UInt32})
        AND a.created_at <= {as_of:DateTime64(3, 'UTC')}
      SETTINGS join_use_nulls = 0)
