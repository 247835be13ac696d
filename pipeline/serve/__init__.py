"""`dozor serve`: one process that owns the database and runs every part of the 24/7 system, and the web console.

    health.py      each part's state and the age of its last success (GET /health)
    supervisor.py  a part's loop in its own thread: a failing step is retried with back-off, the others go on
    parts.py       the parts, built from settings: collectors + pipeline + risk workflow, the chat bot, the digest
    metrics.py     GET /metrics (Prometheus text, names dozor_*)
    auth.py        staff accounts (scrypt hashes), the login cookie, a trusted reverse-proxy header
    app.py         the Starlette application: /health, /metrics, /login and the console's pages
"""
