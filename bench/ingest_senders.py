"""The ingest bench's sender, run as its own process: order writes at a fixed rate through plain sockets.

Each write is one HTTP/1.1 request with `Connection: close` on a new connection (gunicorn's sync workers close it
anyway), its bytes built before the phases start, so the sender's own CPU stays small beside the server's.
"""
import itertools
import socket
import threading
import time

from .ingest_requests import SHOPIFY_SECRET, Call, calls  # noqa: F401 - SHOPIFY_SECRET: the server's setting

CYCLE = ("api_new", "shopify_create", "api_paid", "shopify_paid")  # the paid ones pay orders made LAG writes before
LAG = 80
CUSTOMERS = 5_000
CEILING = 600  # writes a second built for a phase at --rate 0 (back to back): more than 2 cores have done here


def raw(call: Call, host: str, port: int) -> bytes:
    head = [f"{call.method} {call.path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close",
            f"Content-Length: {len(call.body)}", *(f"{k}: {v}" for k, v in call.headers.items())]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + call.body


def send(host: str, port: int, data: bytes) -> int:
    """The answer's status code, after the whole answer was read."""
    with socket.create_connection((host, port), timeout=60) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head = b"".join(chunks[:1])[:16]
    return int(head.split()[1]) if head.startswith(b"HTTP/") else 0


def writes(count: int, token: str, host: str, port: int, first: int = 0) -> list[tuple[str, bytes]]:
    """`count` writes cycling through CYCLE: order n is made by a new write and paid LAG writes later."""
    built = []
    for index in range(count):
        kind = CYCLE[index % 4]
        number = first + index // 4 * 2 + (index % 2) - (LAG // 2 if kind.endswith("paid") else 0)
        if number < first:  # nothing made yet to pay: make another order instead
            kind, number = CYCLE[index % 2], first + 10**6 + index
        built.append((kind, raw(calls(kind, range(number, number + 1), CUSTOMERS, token)[0], host, port)))
    return built


def warm_up(host: str, port: int, token: str, count: int) -> None:
    """Every worker has imported, connected and answered writes of each kind before the phases."""
    for kind, data in writes(count, token, host, port, first=9 * 10**6):
        status = send(host, port, data)
        if status not in (200, 201):
            raise SystemExit(f"warm-up {kind} answered {status}")


def send_phases(host: str, port: int, token: str, rate: float, windows: int, seconds: float, senders: int,
                inbox, out) -> None:
    """Builds the writes of `windows` busy windows of `seconds`, says "ready" on `out`, takes the windows' (start, end)
    times from `inbox`; then in each window sends writes at `rate` a second (0: back to back) by `senders` threads.
    Puts one dict per window on `out`: done, failed, seconds, latency (ms from each write's start time), kinds,
    errors, cpu (the sender's own CPU seconds)."""
    per_phase = int((rate or CEILING) * seconds * 1.2)
    planned = [writes(per_phase, token, host, port, first=n * per_phase) for n in range(windows)]
    out.put("ready")
    busy = inbox.get()
    results = []
    for (start, end), batch in zip(busy, planned, strict=True):
        results.append(_phase(host, port, rate, start, end, batch, senders))
    out.put(results)


def _phase(host, port, rate, start, end, batch, senders) -> dict:
    lock, counter = threading.Lock(), itertools.count()
    result = {"done": 0, "failed": 0, "latency": [], "kinds": {}, "errors": []}
    counted_from = start + 2.0  # SETTLE in ingest_load

    def work():
        while True:
            with lock:
                index = next(counter)
            at = start + index / rate if rate else time.time()
            if index >= len(batch):
                result["errors"].append(f"all {len(batch)} writes built for the phase were sent before its end")
                return
            if at >= end or time.time() >= end:
                return
            time.sleep(max(0.0, at - time.time()))
            kind, data = batch[index]
            status = send(host, port, data)
            finished = time.time()
            with lock:
                if at < counted_from or finished > end:
                    continue
                if status in (200, 201):
                    result["done"] += 1
                    result["latency"].append((finished - at) * 1000)
                    result["kinds"][kind] = result["kinds"].get(kind, 0) + 1
                else:
                    result["failed"] += 1
                    result["errors"].append(f"{kind} answered {status}")

    time.sleep(max(0.0, start - time.time()))
    cpu = time.process_time()
    threads = [threading.Thread(target=work) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result["cpu"] = time.process_time() - cpu
    result["seconds"] = end - counted_from
    return result
