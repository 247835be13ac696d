"""Дозор collectors: file import (replay JSONL, Telegram Desktop exports, CSV of appeals), VK, Telegram."""
