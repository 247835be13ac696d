"""Дозор alerting: event-time detection of stories, alert cards, the risk workflow."""
