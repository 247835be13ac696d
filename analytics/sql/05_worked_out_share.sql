-- Share of risks worked out, by topic: the current state of every risk raised in the period.
-- The state of a risk is its latest risk_events row by (at, seq) up to `as_of`; a risk with no events yet
-- is 'new'. Worked out = state worked_out; false alarms are shown apart and left out of the share.
-- Params: as_of (default: the latest post), days (7).
-- Columns: topic, risks, worked_out, false_alarm, open, worked_out_share.
SELECT topic, count() AS risks,
       countIf(state = 'worked_out') AS worked_out,
       countIf(state = 'false_alarm') AS false_alarm,
       risks - worked_out - false_alarm AS open,
       if(risks - false_alarm = 0, NULL, round(worked_out / (risks - false_alarm), 3)) AS worked_out_share
FROM (SELECT a.topic AS topic, if(e.last_state = '', 'new', e.last_state) AS state
      FROM (SELECT * FROM alerts FINAL) AS a
      LEFT JOIN (SELECT alert_id, argMax(state, (at, seq)) AS last_state
                 FROM risk_events FINAL
                 WHERE at <= {as_of:DateTime64(3, 'UTC')}
                 GROUP BY alert_id) AS e ON e.alert_id = a.alert_id
      WHERE a.created_at > {as_of:DateTime64(3, 'UTC')} - toIntervalDay({days:UInt32})
        AND a.created_at <= {as_of:DateTime64(3, 'UTC')}
      SETTINGS join_use_nulls = 0)
GROUP BY topic
ORDER BY risks DESC, topic
