"""Дозор classifiers: topic, sentiment and toxicity models over our own lemmas, and their safe artifacts.

«complaint» is detection's own mood head (issue 14): it reads negative / neutral / positive as the one sentiment model
did before, trained on the same rows with the same recipe, frozen, so that the public sentiment model may change
without moving detection. It learns from sentiment labels (the seed's, a CSV's, staff's): it has none of its own.
"""

TASKS = ("topics", "sentiment", "toxicity", "complaint")
# what each model's output is in the records (written on its model card)
ROLES = {"topics": "topics: EnrichedPost.topics, what detection groups stories by",
         "sentiment": "public sentiment: EnrichedPost.sentiment / sentiment_score, the analytics' negative shares; "
                      "detection does not read it",
         "toxicity": "EnrichedPost.toxic",
         "complaint": "detection's complaint mood: EnrichedPost.negative (NEGATIVE_AT) and .mood, what detection and "
                      "reaction tracking read; trained on sentiment labels with its own frozen recipe"}
LABELLED_TASKS = ("topics", "sentiment", "toxicity")     # what staff labels and label files name


def labels_of(task: str) -> str:
    """The labelled task whose labels train `task`."""
    return "sentiment" if task == "complaint" else task
