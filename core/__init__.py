"""Дозор core: the bottom layer — shared records, settings, the topic taxonomy, errors. Imports nothing of ours."""
