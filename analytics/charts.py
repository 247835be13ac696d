"""PNG charts of the digest (matplotlib, no display): reports per topic against the previous period, and the mood."""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend is chosen first)
from matplotlib.ticker import MaxNLocator  # noqa: E402

BLUE, GREY, RED = "#1f5fa8", "#b8c2cc", "#c0392b"


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def topics_chart(topics, names: dict[str, str], this_label: str, previous_label: str) -> bytes:
    """topics: DataFrame topic, this_period, previous_period (the digest's `topics`)."""
    rows = topics.iloc[::-1]
    labels = [names.get(t, t) for t in rows.topic]
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(rows) + 1.2))
    y = range(len(rows))
    ax.barh([i + 0.2 for i in y], rows.previous_period, height=0.4, color=GREY, label=previous_label)
    ax.barh([i - 0.2 for i in y], rows.this_period, height=0.4, color=BLUE, label=this_label)
    ax.set_yticks(list(y), labels)
    ax.set_xlabel("сообщений о проблемах")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="lower right", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def mood_chart(mood) -> bytes:
    """mood: DataFrame day, posts, negative_share (negative_share_trend)."""
    fig, ax = plt.subplots(figsize=(7.5, 2.8))
    days = [d.strftime("%d.%m") for d in mood.day]
    ax.bar(days, mood.posts, color=GREY, label="сообщений за день")
    ax.set_ylabel("сообщений")
    ax2 = ax.twinx()
    ax2.plot(days, [100 * v for v in mood.negative_share], color=RED, marker="o", label="доля негатива, %")
    ax2.set_ylabel("негатив, %")
    ax2.set_ylim(0, 100)
    lines = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    ax.legend(lines, ["сообщений за день", "доля негатива, %"], loc="lower center", bbox_to_anchor=(0.5, 1.0),
              ncol=2, frameon=False, fontsize=8)
    ax.spines[["top"]].set_visible(False)
    ax.tick_params(axis="x", labelsize=8, rotation=45)
    return _png(fig)
