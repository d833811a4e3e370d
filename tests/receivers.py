"""Real local servers for channel tests: an HTTP webhook receiver and an SMTP sink, both programmable to fail.

Each runs in a thread of the test process and is stopped (sockets closed, threads joined) on exit.
"""
import socket
import threading
import time
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _WebhookHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - the name http.server dispatches to
        server: "WebhookReceiver" = self.server.receiver
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        action = server.next_action()
        if server.delay:
            time.sleep(server.delay)
        server.record(dict(self.headers), raw, action)
        if action == "close":  # hang up without an answer
            self.close_connection = True
            return
        if action == "slow":  # answer only after the client has given up
            server.release.wait(2)
            action = 200
        try:
            self.send_response(int(action))
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if int(action) < 300 else b"nope")
        except OSError:  # the client timed out and left
            self.close_connection = True

    def log_message(self, format, *args):  # keep test output quiet
        pass


class WebhookReceiver:
    """`script` answers the next requests in order (200, 404, 500, "slow", "close"); then `default` answers.

    `delay` (seconds) slows every answer down, to keep concurrent senders busy at the same time.
    """

    def __init__(self, default=200, delay=0.0):
        self.default, self.script, self.requests, self.delay = default, [], [], delay
        self.release = threading.Event()
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _WebhookHandler)
        self.server.daemon_threads = False  # server_close() joins the handler threads
        self.server.receiver = self
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05})

    def next_action(self):
        with self._lock:
            return self.script.pop(0) if self.script else self.default

    def record(self, headers: dict, raw: bytes, action) -> None:
        with self._lock:
            self.requests.append({"headers": headers, "raw": raw, "action": action})

    def __enter__(self) -> "WebhookReceiver":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join()


class _SmtpHandler:
    def __init__(self, sink: "SmtpSink"):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook name
        if self.sink.refuse_recipients:
            return self.sink.refuse_recipients
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.sink.refuse_data:
            return self.sink.refuse_data
        self.sink.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.sink.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class SmtpSink:
    """An aiosmtpd server keeping what it receives; set refuse_recipients/refuse_data to an SMTP reply to fail."""

    def __init__(self):
        self.messages, self.envelopes = [], []
        self.refuse_recipients = self.refuse_data = None
        self.port = free_port()
        self.controller = Controller(_SmtpHandler(self), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpSink":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
