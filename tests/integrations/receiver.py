"""A real HTTP receiver on 127.0.0.1, in a thread, answering a scripted list of status codes."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    statuses: list[int] = field(default_factory=list)  # answered in turn; 200 once they run out
    received: list[Received] = field(default_factory=list)
    applied: list[str] = field(default_factory=list)  # webhook-ids it acted on, each once
    url: str = ""

    def answer(self, headers: dict[str, str], body: bytes) -> int:
        self.received.append(Received(headers, body))
        status = self.statuses.pop(0) if self.statuses else 200
        if 200 <= status < 300 and headers["webhook-id"] not in self.applied:
            self.applied.append(headers["webhook-id"])
        return status


def receiver_start(receiver: Receiver) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status = receiver.answer({key.lower(): value for key, value in self.headers.items()}, body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
