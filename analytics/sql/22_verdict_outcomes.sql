-- Do the verdicts mean something? For the appeals received in the period with a final answer by `as_of`, per
-- verdict of the last final answer: how many the citizen closed as solved or rated «удовлетворён», how many they
-- returned (rated «не удовлетворён», wrote again, the answer came back), how many a repeat appeal followed.
-- Params: as_of (default: the latest post), days (7).
-- Columns: verdict, answered, satisfied, returned, repeated, satisfied_share, returned_share, repeated_share.
SELECT v.verdict AS verdict,
       count() AS answered,
       countIf(a.rating = 'satisfied' OR pos.appeal_id != '') AS satisfied,
       countIf(a.rating = 'not_satisfied' OR neg.appeal_id != '') AS returned,
       countIf(rp.target_id != '') AS repeated,
       round(satisfied / answered, 3) AS satisfied_share,
       round(returned / answered, 3) AS returned_share,
       round(repeated / answered, 3) AS repeated_share
FROM (SELECT * FROM appeals FINAL
      WHERE received_at > {as_of:DateTime64(3, 'UTC')} - toIntervalDay({days:UInt32})
        AND received_at <= {as_of:DateTime64(3, 'UTC')}) AS a
INNER JOIN (SELECT appeal_id, argMax(verdict, (answered_at, answer_id)) AS verdict FROM appeal_answers FINAL
            WHERE kind = 'final' AND answered_at <= {as_of:DateTime64(3, 'UTC')}
            GROUP BY appeal_id) AS v ON v.appeal_id = a.appeal_id
LEFT JOIN (SELECT DISTINCT appeal_id FROM appeal_events FINAL
           WHERE event = 'satisfied' AND at <= {as_of:DateTime64(3, 'UTC')}) AS pos ON pos.appeal_id = a.appeal_id
LEFT JOIN (SELECT DISTINCT appeal_id FROM appeal_events FINAL
           WHERE event IN ('not_satisfied', 'returned') AND at <= {as_of:DateTime64(3, 'UTC')}) AS neg
       ON neg.appeal_id = a.appeal_id
LEFT JOIN (SELECT DISTINCT l.target_id AS target_id FROM appeal_links AS l FINAL
           INNER JOIN (SELECT appeal_id FROM appeals FINAL WHERE received_at <= {as_of:DateTime64(3, 'UTC')})
               AS later ON later.appeal_id = l.appeal_id
           WHERE l.kind = 'repeat') AS rp ON rp.target_id = a.appeal_id
GROUP BY verdict
ORDER BY answered DESC, verdict
