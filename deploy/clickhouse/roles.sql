-- Roles for a ClickHouse server holding Дозор's database (production DSN http(s)://.../dozor).
-- Run once as an administrator:  clickhouse-client --multiquery < deploy/clickhouse/roles.sql
-- (the database is `dozor`; change the three ON clauses if the DSN names another).
-- The embedded chdb:// engine has no users or grants: there, access is whoever can read the data directory.

-- Analysts: read everything, change nothing. readonly = 2 forbids writes and DDL but lets clients such as
-- clickhouse-connect and Jupyter set per-query settings; the limits keep one heavy query from starving the
-- pipeline.
CREATE ROLE IF NOT EXISTS dozor_analyst;
GRANT SELECT ON dozor.* TO dozor_analyst;
CREATE SETTINGS PROFILE IF NOT EXISTS dozor_analyst
    SETTINGS readonly = 2, max_execution_time = 120, max_memory_usage = 4000000000,
             max_result_rows = 5000000, max_threads = 4
    TO dozor_analyst;

-- The pipeline (collectors, stream, bot, `dozor` commands): read and write its tables, apply migrations
-- (CREATE/ALTER, materialized views), apply the retention TTL, force merges.
CREATE ROLE IF NOT EXISTS dozor_writer;
GRANT SELECT, INSERT, CREATE TABLE, CREATE VIEW, CREATE DATABASE, ALTER, OPTIMIZE, SHOW ON dozor.* TO dozor_writer;
