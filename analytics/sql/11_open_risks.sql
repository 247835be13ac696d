-- Open risks as of `as_of`: every risk (alert) raised up to then whose current state is not worked_out or
-- false_alarm (no events yet = 'new'), oldest first, with its age since the story's first post and whether
-- it is answered; overdue = no answer after `deadline_hours` (24) since the first post.
-- Params: as_of (default: the latest post), deadline_hours (24).
-- Columns: alert_id, topic, settlement, street, object, level, first_post_at, raised_at, state, age_hours, answers, overdue.
SELECT a.alert_id AS alert_id, a.topic AS topic, a.settlement AS settlement, a.street AS street,
       a.object AS object, a.level AS level,
       a.first_at AS first_post_at, a.created_at AS raised_at, if(e.last_state = '', 'new', e.last_state) AS state,
       round(dateDiff('second', a.first_at, {as_of:DateTime64(3, 'UTC')}) / 3600, 1) AS age_hours,
       r.answers AS answers,
       toUInt8(r.answers = 0 AND dateDiff('second', a.first_at, {as_of:DateTime64(3, 'UTC')})
                                  > {deadline_hours:UInt32} * 3600) AS overdue
FROM (SELECT * FROM alerts FINAL) AS a
LEFT JOIN (SELECT alert_id, argMax(state, (at, seq)) AS last_state
           FROM risk_events FINAL WHERE at <= {as_of:DateTime64(3, 'UTC')} GROUP BY alert_id) AS e
       ON e.alert_id = a.alert_id
LEFT JOIN (SELECT alert_id, count() AS answers
           FROM risk_answers FINAL WHERE answered_at <= {as_of:DateTime64(3, 'UTC')} GROUP BY alert_id) AS r
       ON r.alert_id = a.alert_id
WHERE a.created_at <= {as_of:DateTime64(3, 'UTC')} AND state NOT IN ('worked_out', 'false_alarm')
ORDER BY a.created_at, a.alert_id
SETTINGS join_use_nulls = 0
