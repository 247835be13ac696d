-- Satisfaction, one figure per organisation and per topic, with the evidence behind it. An appeal received in the
-- period and answered (a final answer by `as_of`) counts against when the citizen returned it (rated «не
-- удовлетворён», wrote again, the answer came back) or a repeat appeal followed; for it when the citizen rated it
-- «удовлетворён» or closed it as solved and nothing came against; else it has no evidence. Per topic, the risks
-- raised in the period and answered add the residents' reaction: quiet after the answer (worked out by Дозор's
-- reaction check) for, reopened against. satisfaction = for / (for + against); NULL without evidence.
-- Params: as_of (default: the latest post), days (7).
-- Columns: scope, name, answered, satisfied, not_satisfied, repeated, no_evidence, risks_quiet, risks_reopened,
--          satisfaction.
WITH judged AS (
    SELECT a.org AS org, a.topic AS topic,
           a.rating = 'not_satisfied' OR neg.appeal_id != '' AS is_returned,
           rp.target_id != '' AS is_repeated,
           NOT (is_returned OR is_repeated) AND (a.rating = 'satisfied' OR pos.appeal_id != '') AS is_satisfied
    FROM (SELECT * FROM appeals FINAL
          WHERE received_at > {as_of:DateTime64(3, 'UTC')} - toIntervalDay({days:UInt32})
            AND received_at <= {as_of:DateTime64(3, 'UTC')}) AS a
    INNER JOIN (SELECT DISTINCT appeal_id FROM appeal_answers FINAL
                WHERE kind = 'final' AND answered_at <= {as_of:DateTime64(3, 'UTC')}) AS f ON f.appeal_id = a.appeal_id
    LEFT JOIN (SELECT DISTINCT appeal_id FROM appeal_events FINAL
               WHERE event IN ('not_satisfied', 'returned') AND at <= {as_of:DateTime64(3, 'UTC')}) AS neg
           ON neg.appeal_id = a.appeal_id
    LEFT JOIN (SELECT DISTINCT appeal_id FROM appeal_events FINAL
               WHERE event = 'satisfied' AND at <= {as_of:DateTime64(3, 'UTC')}) AS pos ON pos.appeal_id = a.appeal_id
    LEFT JOIN (SELECT DISTINCT l.target_id AS target_id FROM appeal_links AS l FINAL
               INNER JOIN (SELECT appeal_id FROM appeals FINAL WHERE received_at <= {as_of:DateTime64(3, 'UTC')})
                   AS later ON later.appeal_id = l.appeal_id
               WHERE l.kind = 'repeat') AS rp ON rp.target_id = a.appeal_id
),
risks AS (
    SELECT al.topic AS topic,
           countIf(e.reopened > 0) AS reopened,
           countIf(e.reopened = 0 AND e.quiet > 0) AS quiet
    FROM (SELECT * FROM alerts FINAL
          WHERE created_at > {as_of:DateTime64(3, 'UTC')} - toIntervalDay({days:UInt32})
            AND created_at <= {as_of:DateTime64(3, 'UTC')}) AS al
    INNER JOIN (SELECT alert_id, countIf(event = 'reopened') AS reopened,
                       countIf(event = 'worked_out' AND actor = 'dozor') AS quiet
                FROM risk_events FINAL WHERE at <= {as_of:DateTime64(3, 'UTC')} GROUP BY alert_id
                HAVING countIf(event = 'answered') > 0) AS e ON e.alert_id = al.alert_id
    GROUP BY topic
),
by_org AS (
    SELECT 'организация' AS scope, if(org = '', '(не указана)', org) AS name, count() AS answered,
           countIf(is_satisfied) AS satisfied, countIf(is_returned) AS not_satisfied,
           countIf(is_repeated) AS repeated, countIf(NOT (is_satisfied OR is_returned OR is_repeated)) AS no_evidence,
           toUInt64(0) AS risks_quiet, toUInt64(0) AS risks_reopened
    FROM judged GROUP BY name
),
by_topic AS (
    SELECT 'тема' AS scope, if(t.topic = '', r.topic, t.topic) AS name, t.answered AS answered, t.satisfied AS satisfied,
           t.not_satisfied AS not_satisfied, t.repeated AS repeated, t.no_evidence AS no_evidence,
           toUInt64(r.quiet) AS risks_quiet, toUInt64(r.reopened) AS risks_reopened
    FROM (SELECT topic, count() AS answered, countIf(is_satisfied) AS satisfied,
                 countIf(is_returned) AS not_satisfied, countIf(is_repeated) AS repeated,
                 countIf(NOT (is_satisfied OR is_returned OR is_repeated)) AS no_evidence
          FROM judged GROUP BY topic) AS t
    FULL OUTER JOIN risks AS r ON r.topic = t.topic
)
SELECT scope, name, answered, satisfied, not_satisfied, repeated, no_evidence, risks_quiet, risks_reopened,
       if(pro + contra = 0, NULL, round(pro / (pro + contra), 3)) AS satisfaction
FROM (SELECT *, satisfied + risks_quiet AS pro,
             answered - satisfied - no_evidence + risks_reopened AS contra
      FROM (SELECT * FROM by_org UNION ALL SELECT * FROM by_topic))
ORDER BY scope, satisfaction ASC NULLS LAST, answered DESC, name
