"""Evaluation: per-class precision / recall / F1, macro-F1, accuracy and a confusion matrix.

A true label the model does not know is an error (its row in the matrix, recall 0), never dropped.
"""
from __future__ import annotations


def evaluate(y_true: list[str], y_pred: list[str], model_classes: tuple[str, ...] = ()) -> dict:
    labels = sorted(set(y_true) | set(y_pred) | set(model_classes))
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for t, p in zip(y_true, y_pred, strict=True):
        matrix[index[t]][index[p]] += 1
    per_class = {}
    present = [label for label in labels if label in set(y_true) or label in set(y_pred)]
    for label in labels:
        i = index[label]
        tp = matrix[i][i]
        support = sum(matrix[i])
        predicted = sum(row[i] for row in matrix)
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
                            "support": support, "known_to_model": label in model_classes if model_classes else True}
    n = len(y_true)
    return {
        "n": n,
        "accuracy": round(sum(matrix[i][i] for i in range(len(labels))) / n, 4) if n else 0.0,
        "macro_f1": round(sum(per_class[label]["f1"] for label in present) / len(present), 4) if present else 0.0,
        "per_class": per_class,
        "labels": labels,
        "confusion_matrix": matrix,
        "unknown_labels": sorted(set(y_true) - set(model_classes)) if model_classes else [],
    }


def format_report(report: dict) -> str:
    """The report as a plain table (English headers, labels as they are)."""
    present = [label for label in report["labels"] if report["per_class"][label]["support"] or any(
        row[report["labels"].index(label)] for row in report["confusion_matrix"])]
    lines = [f"{'label':<16}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}"]
    for label in present:
        m = report["per_class"][label]
        mark = "  (unknown to the model)" if not m["known_to_model"] else ""
        lines.append(f"{label:<16}{m['precision']:>10.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}{m['support']:>9}{mark}")
    lines.append(f"macro-F1 {report['macro_f1']:.4f}   accuracy {report['accuracy']:.4f}   n {report['n']}")
    idx = [report["labels"].index(label) for label in present]
    width = max(6, max((len(label) for label in present), default=5) + 1)
    lines.append("confusion matrix (rows: true, columns: predicted; classes never seen or predicted left out)")
    lines.append(" " * width + "".join(f"{label[:width - 1]:>{width}}" for label in present))
    for label, i in zip(present, idx, strict=True):
        row = report["confusion_matrix"][i]
        lines.append(f"{label[:width - 1]:<{width}}" + "".join(f"{row[j]:>{width}}" for j in idx))
    return "\n".join(lines)
