"""The peak-day bench's webhook receiver, in its own process: answers 200 at once and writes one line per delivery.

    python -m bench.peak_receiver --port 8123 --secret S --out deliveries.tsv

Each line: the receive time (Unix seconds), the Idempotency-Key header (the outbox message id), the body's kind and
order_no, and whether the X-ShopCS-Signature matches the body. Lines are flushed as they are written, so a bench
that reads the file while the run goes on sees every delivery answered so far.
"""
import argparse
import json
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from shopcs.notify.channels import SIGNATURE_HEADER, verify_signature


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: each sender reuses its connection pool, as with a real endpoint
    disable_nagle_algorithm = True  # else the answer waits for a delayed ACK: ~40 ms a request on loopback

    def do_POST(self):  # noqa: N802 - the name http.server dispatches to
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        received = time.time()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
        self.server.record(received, self.headers.get("Idempotency-Key", ""), raw, self.headers.get(SIGNATURE_HEADER))

    def log_message(self, format, *args):
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, secret: str, out):
        super().__init__(("127.0.0.1", port), _Handler)
        self.secret, self.out, self.lock = secret, out, threading.Lock()

    def record(self, received: float, key: str, raw: bytes, signature: str | None) -> None:
        try:
            body = json.loads(raw)
        except ValueError:
            body = {}
        signed = verify_signature(raw, signature, self.secret)
        line = f"{received:.6f}\t{key}\t{body.get('kind', '')}\t{body.get('order_no') or ''}\t{int(signed)}\n"
        with self.lock:
            self.out.write(line)
            self.out.flush()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peak_receiver", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    with open(args.out, "a", encoding="utf-8") as out:
        server = _Server(args.port, args.secret, out)
        signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
        try:
            server.serve_forever(poll_interval=0.2)
        finally:
            server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
