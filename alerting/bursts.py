"""Is a group of candidates a burst? Pure functions over the detector's word counts (alerting/affinity.Rarity).

A story by meaning needs a word two of its posts use unusually often (`bursting`), and posts no risk topic names
are held together only by a word min_posts of them share far more often than the recent candidates use it
(`near_identical`). Both judge nothing until the detector has seen `unnamed_history` candidates: before that it
does not know what is common.
"""
from __future__ import annotations

from collections import Counter

from alerting import affinity
from alerting.affinity import Rarity
from alerting.signal import Signal
from core.settings import Detection


def surprise(group: list[Signal], at_least: int, rarity: Rarity, in_window: int) -> dict[str, float]:
    """Words that at_least of the group use -> the chance of so many using them in one window of in_window
    candidates, by how often the candidates of the last days used them (affinity.burst_chance)."""
    counts = Counter(t for w in group for t in affinity.stems(w.terms))
    return {t: affinity.burst_chance(n, rarity.total.get(t, 0), rarity.docs, max(in_window, 1))
            for t, n in counts.items() if n >= at_least}


def bursting(group: list[Signal], rarity: Rarity, in_window: int, config: Detection) -> bool:
    """A story by meaning needs a word two of its posts use more than usual (chance <= meaning_chance): posts
    linked only through everyday words («идти», «первый», «школа») are chatter."""
    if rarity.docs < config.unnamed_history:
        return True
    return min(surprise(group, 2, rarity, in_window).values(), default=1.0) <= config.meaning_chance


def near_identical(group: list[Signal], rarity: Rarity, in_window: int, config: Detection) -> list[Signal]:
    """With posts no topic names, only a word that min_posts of them share, far more often than the recent
    candidates use it (chance <= unnamed_chance), holds them together («сертификат» in every post; not «друг»
    or «жизнь»): the posts that have the most surprising such word, else none."""
    if rarity.docs < config.unnamed_history:
        return []
    chance = surprise(group, config.min_posts, rarity, in_window)
    core = sorted(t for t, p in chance.items() if p <= config.unnamed_chance)
    if not core:
        return []
    word = min(core, key=chance.__getitem__)
    return [w for w in group if word in affinity.stems(w.terms)]
