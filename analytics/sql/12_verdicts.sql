-- Verdicts given in the period: worked_out, false_alarm, reopened ... events between `as_of` - `days` and
-- `as_of`, who gave them (dozor = the automatic verdict from residents' reactions, else staff).
-- Params: as_of (default: the latest post), days (7).
-- Columns: event, automatic, staff, total.
SELECT event, countIf(actor = 'dozor') AS automatic, countIf(actor != 'dozor') AS staff, count() AS total
FROM risk_events FINAL
WHERE at > {as_of:DateTime64(3, 'UTC')} - toIntervalDay({days:UInt32}) AND at <= {as_of:DateTime64(3, 'UTC')}
  AND event IN ('worked_out', 'false_alarm', 'reopened', 'watching', 'answered', 'escalated')
GROUP BY event
ORDER BY total DESC, event
