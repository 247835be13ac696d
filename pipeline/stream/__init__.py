"""Kafka mode: the same stages as the embedded runner, as Faust agents on Apache Kafka, plus the ClickHouse sink."""
