"""What the fakes of remote services share: an HTTP server on a loopback port that can go away and come back on
the same port (outage tests), recording stays in the fake.

    class FakeX(Loopback):
        def __post_init__(self):
            self.listen(_handler_for(self))     # port 0: the system picks one; started by `with FakeX(...)`
"""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Loopback:
    def listen(self, handler: type[BaseHTTPRequestHandler], port: int = 0) -> None:
        self._handler = handler
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def down(self) -> None:
        """Stop answering: the port refuses connections until up(); what was recorded stays."""
        self._server.shutdown()
        self._server.server_close()

    def up(self) -> None:
        """Answer again on the same port."""
        self.listen(self._handler, self.port)
        self._thread.start()
