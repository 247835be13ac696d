-- Answer times against the district's norms, one row per risk: the clock starts at the story's FIRST POST
-- (as the risk workflow's SLA does), the norm is `norm_hours` (8) and the deadline `deadline_hours` (24).
-- A risk is an alert (story) raised in the `days` before `as_of`; its first answer is the earliest
-- risk_answers row (chat registration or an official-page post) up to `as_of`. An unanswered risk is overdue
-- once the deadline has passed by `as_of`, unless staff called it a false alarm (its state up to `as_of`).
-- Params: as_of (default: the latest post), days (7), norm_hours (8), deadline_hours (24).
-- Columns: alert_id, topic, settlement, street, object, level, first_post_at, raised_at, first_answer_at, answer_hours,
--          answers, state, status (в норму | в срок | с опозданием | просрочено | ждёт ответа | ложная тревога).
SELECT a.alert_id AS alert_id, a.topic AS topic, a.settlement AS settlement, a.street AS street,
       a.object AS object, a.level AS level, a.first_at AS first_post_at, a.created_at AS raised_at,
       if(r.answers = 0, NULL, r.first_at) AS first_answer_at,
       if(r.answers = 0, NULL, round(dateDiff('second', a.first_at, r.first_at) / 3600, 2)) AS answer_hours,
       r.answers AS answers,
       if(e.last_state = '', 'new', e.last_state) AS state,
       multiIf(r.answers > 0 AND dateDiff('second', a.first_at, r.first_at) <= {norm_hours:UInt32} * 3600,
               'в норму',
               r.answers > 0 AND dateDiff('second', a.first_at, r.first_at) <= {deadline_hours:UInt32} * 3600,
               'в срок',
               r.answers > 0, 'с опозданием',
               state = 'false_alarm', 'ложная тревога',
               dateDiff('second', a.first_at, {as_of:DateTime64(3, 'UTC')}) > {deadline_hours:UInt32} * 3600,
               'просрочено',
               'ждёт ответа') AS status
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
ORDER BY a.created_at, a.alert_id
SETTINGS join_use_nulls = 0
