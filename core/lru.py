"""A dict that keeps only its most recently used `limit` keys: caches and per-item state of 24/7 processes, which
must not grow with every story ever seen.

    cards = LRU(2000)
    cards["A-1"] = (alert, risk)       # the oldest untouched key goes when a 2001st arrives
"""
from __future__ import annotations

from collections import OrderedDict


class LRU(OrderedDict):
    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def __getitem__(self, key):
        value = super().__getitem__(key)
        self.move_to_end(key)
        return value

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.limit:
            self.popitem(last=False)
