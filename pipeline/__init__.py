"""Дозор pipeline: records, settings, text processing, enrichment and the runners that compose them."""
