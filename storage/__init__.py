"""Дозор storage: ClickHouse through clickhouse-connect (embedded chdb:// or an http(s):// server)."""
