-- Reopened risks: risks with at least one 'reopened' event up to `as_of` (staff or the reaction tracker
-- found the problem back after it was answered or worked out), with their current state.
-- Params: as_of (default: the latest post).
-- Columns: alert_id, topic, settlement, raised_at, reopened, last_reopened_at, state.
SELECT e.alert_id AS alert_id, a.topic AS topic, a.settlement AS settlement, a.created_at AS raised_at,
       e.reopened AS reopened, e.last_reopened_at AS last_reopened_at, e.state AS state
FROM (SELECT alert_id, countIf(event = 'reopened') AS reopened, maxIf(at, event = 'reopened') AS last_reopened_at,
             argMax(state, (at, seq)) AS state
      FROM risk_events FINAL
      WHERE at <= {as_of:DateTime64(3, 'UTC')}
      GROUP BY alert_id
      HAVING reopened > 0) AS e
LEFT JOIN (SELECT * FROM alerts FINAL) AS a ON a.alert_id = e.alert_id
ORDER BY reopened DESC, last_reopened_at DESC, alert_id
