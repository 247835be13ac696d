-- Organisations whose answers get returned most: of the appeals received in the period that got a final answer
-- by `as_of`, how many the citizen returned — rated it «не удовлетворён», wrote again on the portal, or the answer
-- came back for rework (appeal_events not_satisfied / returned) — or answered with a repeat appeal.
-- Params: as_of (default: the latest post), days (7).
-- Columns: org, answered, returned, by_citizen, by_repeat, returned_share.
SELECT if(a.org = '', '(не указана)', a.org) AS org,
       count() AS answered,
       countIf(by_citizen_flag OR by_repeat_flag) AS returned,
       countIf(by_citizen_flag) AS by_citizen,
       countIf(by_repeat_flag) AS by_repeat,
       round(returned / answered, 3) AS returned_share
FROM (SELECT a.org AS org,
             a.rating = 'not_satisfied' OR ev.appeal_id != '' AS by_citizen_flag,
             rp.target_id != '' AS by_repeat_flag
      FROM (SELECT * FROM appeals FINAL
            WHERE received_at > {as_of:DateTime64(3, 'UTC')} - toIntervalDay({days:UInt32})
              AND received_at <= {as_of:DateTime64(3, 'UTC')}) AS a
      INNER JOIN (SELECT DISTINCT appeal_id FROM appeal_answers FINAL
                  WHERE kind = 'final' AND answered_at <= {as_of:DateTime64(3, 'UTC')}) AS f ON f.appeal_id = a.appeal_id
      LEFT JOIN (SELECT DISTINCT appeal_id FROM appeal_events FINAL
                 WHERE event IN ('not_satisfied', 'returned') AND at <= {as_of:DateTime64(3, 'UTC')}) AS ev
             ON ev.appeal_id = a.appeal_id
      LEFT JOIN (SELECT DISTINCT l.target_id AS target_id FROM appeal_links AS l FINAL
                 INNER JOIN (SELECT appeal_id FROM appeals FINAL WHERE received_at <= {as_of:DateTime64(3, 'UTC')})
                     AS later ON later.appeal_id = l.appeal_id
                 WHERE l.kind = 'repeat') AS rp ON rp.target_id = a.appeal_id) AS a
GROUP BY org
HAVING returned > 0
ORDER BY returned_share DESC, returned DESC, org
