"""Дозор classifiers: topic, sentiment and toxicity models over our own lemmas, and their safe artifacts.

«complaint» is detection's own mood head (issue 14): it reads negative / neutral / positive as the one sentiment model
did before, trained on the same rows with the same recipe, frozen, so that the public sentiment model may change
without moving detection. It learns from sentiment labels (the seed's, a CSV's, staff's): it has none of its own.
"""

TASKS = ("topics", "sentiment", "toxicity", "complaint")
LABELLED_TASKS = ("topics", "sentiment", "toxicity")     # what staff labels and label files name


def labels_of(task: str) -> str:
    """The labelled task whose labels train `task`."""
    return "sentiment" if task == "complaint" else task
