"""Drift: is the recent stream still like the data the topic model learned from? Pure, Russian verdict."""
from __future__ import annotations

TV_WARN = 0.25            # total variation between topic mixes (0 = same, 1 = disjoint)
CONFIDENCE_DROP = 0.10    # mean top-topic probability this much below the holdout's


def drift_report(recent: dict[str, int], recent_confidence: float | None, card: dict, days: int) -> dict:
    """recent: posts per topic in the last `days` days; card: the current topic model's card."""
    trained = card.get("rows_per_label", {})
    n_recent, n_trained = sum(recent.values()), sum(trained.values())
    topics = sorted(set(recent) | set(trained))
    share_recent = {t: recent.get(t, 0) / n_recent for t in topics} if n_recent else {}
    share_trained = {t: trained.get(t, 0) / n_trained for t in topics} if n_trained else {}
    tv = (round(0.5 * sum(abs(share_recent.get(t, 0) - share_trained.get(t, 0)) for t in topics), 3)
          if n_recent else None)
    baseline = card.get("holdout", {}).get("mean_confidence")
    reasons = []
    if n_recent == 0:
        reasons.append(f"за последние {days} дн. нет сообщений — оценить дрейф не по чему")
    if tv is not None and tv > TV_WARN:
        moved = sorted(topics, key=lambda t: -abs(share_recent.get(t, 0) - share_trained.get(t, 0)))[:3]
        reasons.append(f"состав тем заметно отличается от обучающих данных (расхождение {tv:.2f} > {TV_WARN}); "
                       "сильнее всего: " + ", ".join(f"{t} {share_recent.get(t, 0):.0%} против "
                                                     f"{share_trained.get(t, 0):.0%}" for t in moved))
    if recent_confidence is not None and baseline is not None and recent_confidence < baseline - CONFIDENCE_DROP:
        reasons.append(f"модель стала менее уверенной: средняя вероятность темы {recent_confidence:.2f} против "
                       f"{baseline:.2f} на проверочной выборке")
    due = bool(reasons) and n_recent > 0
    verdict = ("Переобучение рекомендуется: " + "; ".join(reasons) + ".") if due else (
        "Переобучение не требуется: состав тем и уверенность модели близки к обучающим данным."
        if n_recent else "Нет данных: " + reasons[0] + ".")
    return {"days": days, "recent_posts": n_recent, "total_variation": tv, "recent_confidence": recent_confidence,
            "holdout_confidence": baseline, "retraining_due": due, "verdict": verdict,
            "recent_share": {t: round(v, 4) for t, v in share_recent.items()},
            "training_share": {t: round(v, 4) for t, v in share_trained.items()}}
