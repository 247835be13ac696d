"""Дозор classifiers: topic, sentiment and toxicity models over our own lemmas, and their safe artifacts."""

TASKS = ("topics", "sentiment", "toxicity")
