"""Conversations under load (issue 17): 10 agents working the queue and case pages while 500 storefront widget
conversations, their panels open, poll GET /widget/v1/messages as static/widget.js does (every 2 s for a buyer in
the middle of a talk, every 10 s for an open, quiet panel; `--lively` of them talking), on PostgreSQL behind gunicorn
as the README deploys it (the agents' gunicorn -w 4, the widget's -w 2 at nice 10).

    .venv/bin/python -m bench.conversation_bench [--workers 4] [--widget-pool 2] [--phase 30] [--lively 0.2]

Quiet and busy phases alternate (quiet, busy, quiet, busy): the agents' page p95 while busy over the same while
quiet (pass if <= 1.5); during the busy phases a buyer of a lively conversation writes through the widget every 2 s
and a live poll of /cases/live (as static/live.js, every second) notes when it sees the message: message-to-agent
p95 (pass if <= 2 s); the widget polls must keep their pace (>= 90 % of the schedule's rate) and all answer 200.
Exit 1 on any miss. `--lively 1` is every panel polling every 2 s (250 a second for 500).
"""
import argparse
import heapq
import multiprocessing
import os
import sys
import threading
import time
from datetime import datetime, timezone

import requests

from .load import login
from .servers import ROOT, Server, create_pg_database, drop_pg_database, new_secret_key

PASSWORD = "bench-password-" + "x" * 8
LIVELY_POLL, QUIET_POLL = 2.0, 10.0  # static/widget.js's pollDelay() for an open panel: talking, quiet
LIVE_EVERY, SEND_EVERY, THINK = 1.0, 2.0, 1.0


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] if ordered else float("nan")


def seed(url: str, secret: str, agents: int, conversations: int, history: int) -> dict:
    """Agents, older cases, and the open widget conversations (each with its buyer's first message and a case owned
    by one of the agents); conversations are started through the service, not POST /widget/v1/conversations, whose
    per-address limit (10 a minute) one load generator would hit."""
    from sqlalchemy import update

    from shopcs import create_app
    from shopcs.actor import Actor
    from shopcs.auth.services import create_user
    from shopcs.cases.models import Case
    from shopcs.cases.services import CaseInput, create_case
    from shopcs.conversations import widget_service
    from shopcs.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret})
    now, zone = datetime.now(timezone.utc), "Asia/Shanghai"
    with app.app_context():
        db.create_all()
        users = [create_user(f"conv-agent-{n}", "agent", PASSWORD, now) for n in range(agents)]
        platform = Actor(label="token:bench", is_platform=True)
        for n in range(history):
            create_case(CaseInput(category="tracking", channel="chat", subject=f"历史工单 {n}", body="快递到哪了？",
                                  received_at=now, severity="normal", order_no=None,
                                  customer={"external_id": f"old-{n}", "name": "李四", "phone": "", "email": ""}),
                        platform, now, zone, outbox_channel="manual")
        tokens, cases = [], {user.username: [] for user in users}
        for n in range(conversations):
            conversation = widget_service.start_conversation(now)
            received, _event = widget_service.post_message(conversation, f"你好，第 {n} 位买家", None, now, zone, outbox_channel="manual")
            owner = users[n % agents]
            db.session.execute(update(Case).where(Case.id == received.case_id).values(owner_id=owner.id))
            db.session.commit()
            tokens.append(widget_service.issue_token(conversation.key, secret))
            cases[owner.username].append(received.case_id)
        db.session.remove()
        db.engine.dispose()
    return {"tokens": tokens, "cases": cases}


def poll_every(n: int, lively: int) -> float:
    """The first `lively` conversations are the talking ones."""
    return LIVELY_POLL if n < lively else QUIET_POLL


def widget_load(base: str, tokens: list[str], lively: int, seconds: float, threads: int, out) -> None:
    """Run in its own process: each conversation polls on its schedule, first polls spread over one period."""
    start = time.monotonic()
    due = [(start + poll_every(n, lively) * n / len(tokens), n, 0) for n in range(len(tokens))]
    heapq.heapify(due)
    lock, counts = threading.Lock(), {"ok": 0, "bad": 0, "late": 0.0}

    def work():
        session = requests.Session()
        while True:
            with lock:
                if not due or due[0][0] - start > seconds:
                    return
                at, n, after = heapq.heappop(due)
            time.sleep(max(0.0, at - time.monotonic()))
            lag = time.monotonic() - at
            answer = session.get(f"{base}/widget/v1/messages?after={after}", timeout=30,
                                 headers={"Authorization": f"Bearer {tokens[n]}"})
            messages = answer.json().get("messages", []) if answer.status_code == 200 else []
            with lock:
                counts["ok" if answer.status_code == 200 else "bad"] += 1
                counts["late"] = max(counts["late"], lag)
                heapq.heappush(due, (at + poll_every(n, lively), n, max([after] + [m["id"] for m in messages])))

    workers = [threading.Thread(target=work, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.put({**counts, "seconds": time.monotonic() - start})


class Agents:
    """Ten agents: each loads its "Mine" queue or one of its cases, thinks THINK s, and polls /cases/live as the
    open page does; page latencies go to the current phase."""

    def __init__(self, base: str, cases: dict[str, list[int]]):
        self.base, self.cases, self.phase, self.stop = base, cases, "quiet", threading.Event()
        self.pages: dict[str, list[float]] = {"quiet": [], "busy": []}
        self.errors: list[str] = []

    def run(self, username: str) -> None:
        try:
            self.work(username)
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - a failed agent is a failed run, said in the report
            self.errors.append(f"{username}: {exc!r}")

    def work(self, username: str) -> None:
        session, turn, last_live = requests.Session(), 0, 0.0
        login(session, self.base, username, PASSWORD)
        cursor = session.get(self.base + "/cases/live", timeout=30).json()["cursor"]
        while not self.stop.is_set():
            mine = self.cases[username]
            path = "/cases/?tab=mine" if turn % 2 == 0 else f"/cases/{mine[turn // 2 % len(mine)]}"
            phase, started = self.phase, time.perf_counter()
            answer = session.get(self.base + path, timeout=60, allow_redirects=False)
            elapsed = time.perf_counter() - started
            if answer.status_code != 200:
                self.errors.append(f"{path}: {answer.status_code}")
            elif phase == self.phase:
                self.pages[phase].append(elapsed)
            turn += 1
            if time.monotonic() - last_live >= LIVE_EVERY:
                cursor, last_live = session.get(f"{self.base}/cases/live?since={cursor}", timeout=30).json()["cursor"], \
                    time.monotonic()
            self.stop.wait(THINK)


class Messages:
    """A buyer writes through the widget every SEND_EVERY s; a live poll (every LIVE_EVERY s, as static/live.js)
    notes when the message shows: the message-to-agent latency."""

    def __init__(self, base: str, widget_base: str, tokens: list[str], username: str):
        self.base, self.widget_base, self.tokens, self.username = base, widget_base, tokens, username
        self.sent: dict[int, float] = {}
        self.latencies: list[float] = []
        self.sending, self.stop, self.lock, self.errors = threading.Event(), threading.Event(), threading.Lock(), []

    def send(self) -> None:
        session, n = requests.Session(), 0
        while not self.stop.is_set():
            if self.sending.is_set():
                token, started = self.tokens[n % len(self.tokens)], time.monotonic()
                answer = session.post(f"{self.widget_base}/widget/v1/messages", json={"body": f"还在吗？{n}"}, timeout=30,
                                      headers={"Authorization": f"Bearer {token}"})
                if answer.status_code == 201:
                    with self.lock:
                        self.sent[answer.json()["id"]] = started
                else:
                    self.errors.append(f"POST /widget/v1/messages: {answer.status_code}")
                n += 1
            self.stop.wait(SEND_EVERY)

    def watch(self) -> None:
        try:
            self.follow()
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - said in the report
            self.errors.append(f"watch: {exc!r}")

    def follow(self) -> None:
        session = requests.Session()
        login(session, self.base, self.username, PASSWORD)
        cursor = session.get(self.base + "/cases/live", timeout=30).json()["cursor"]
        while not self.stop.is_set():
            answer = session.get(f"{self.base}/cases/live?since={cursor}", timeout=30).json()
            seen = time.monotonic()
            cursor = answer["cursor"]
            with self.lock:
                for change in answer["changed"]:
                    started = self.sent.pop(change["last_message_id"], None)
                    if started is not None:
                        self.latencies.append(seen - started)
            self.stop.wait(LIVE_EVERY)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg-admin-url", default=os.environ.get("BENCH_PG_URL_BASE", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--conversations", type=int, default=500)
    parser.add_argument("--agents", type=int, default=10)
    parser.add_argument("--history", type=int, default=2000)
    parser.add_argument("--phase", type=float, default=30.0, help="seconds of each of the four phases")
    parser.add_argument("--lively", type=float, default=0.2,
                        help="share of the conversations in the middle of a talk (polling every 2 s; the rest 10 s)")
    parser.add_argument("--poll-threads", type=int, default=24)
    parser.add_argument("--widget-pool", type=int, default=2, metavar="WORKERS",
                        help="serve /widget/v1/ from a second gunicorn of this many workers at a lower CPU priority "
                             "(nice 10), as the README's production layout routes it; 0: one gunicorn for everything")
    args = parser.parse_args(argv)
    url = args.pg_admin_url.rsplit("/", 1)[0] + "/shopcs_bench_conversations"
    secret = new_secret_key()
    create_pg_database(url, args.pg_admin_url)
    started = time.monotonic()
    data = seed(url, secret, args.agents, args.conversations, args.history)
    print(f"seeded {args.history} older cases and {args.conversations} widget conversations in "
          f"{time.monotonic() - started:.0f} s", flush=True)
    # plain http on the loopback, as the demo: cookies without the Secure flag; eleven logins from one address
    os.environ.update(SHOPCS_SECURE_COOKIES="0", SHOPCS_LOGIN_LIMIT_PER_ADDRESS="1000 per minute")
    log = os.path.join("/tmp", "conversation-bench-gunicorn.log")
    servers = [Server("app:app", url, secret, args.workers, log, extra=["--worker-class", args.worker_class])]
    if args.widget_pool:
        servers.append(Server("app:app", url, secret, args.widget_pool, log, extra=["--worker-class", args.worker_class],
                              prefix=["nice", "-n", "10"]))
    try:
        for server in servers:
            server.wait_ready()
        return measure(servers[0].base, servers[-1].base, data, args)
    finally:
        for server in servers:
            server.stop()
        drop_pg_database(url, args.pg_admin_url)


def measure(base: str, widget_base: str, data: dict, args) -> int:
    """`base` serves the agents, `widget_base` the widget API (the same server unless --widget-pool)."""
    lively = max(1, round(args.lively * len(data["tokens"])))
    agents = Agents(base, data["cases"])
    messages = Messages(base, widget_base, data["tokens"][:lively], "conv-agent-0")  # the talking buyers write
    threads = [threading.Thread(target=agents.run, args=(name,), daemon=True) for name in data["cases"]]
    threads += [threading.Thread(target=messages.send, daemon=True), threading.Thread(target=messages.watch, daemon=True)]
    for thread in threads:
        thread.start()
    time.sleep(5)  # every agent logged in, caches warm
    polls = []
    for phase in ("quiet", "busy", "quiet", "busy"):
        agents.phase = phase
        if phase == "busy":
            out = multiprocessing.Queue()
            load = multiprocessing.Process(target=widget_load, args=(widget_base, data["tokens"], lively, args.phase,
                                                                     args.poll_threads, out))
            load.start()
            messages.sending.set()
            time.sleep(args.phase)
            messages.sending.clear()
            polls.append(out.get(timeout=120))
            load.join()
        else:
            time.sleep(args.phase)
    time.sleep(LIVE_EVERY + 1)  # the last messages' polls
    agents.stop.set()
    messages.stop.set()
    return report(agents, messages, polls, args)


def report(agents: Agents, messages: Messages, polls: list[dict], args) -> int:
    quiet, busy = p95(agents.pages["quiet"]), p95(agents.pages["busy"])
    ok = sum(p["ok"] for p in polls)
    lively = max(1, round(args.lively * args.conversations))
    rate = ok / sum(p["seconds"] for p in polls)
    target = lively / LIVELY_POLL + (args.conversations - lively) / QUIET_POLL
    latency = p95(messages.latencies)
    checks = [("agents' page p95 busy / quiet <= 1.5", busy / quiet <= 1.5),
              ("message-to-agent p95 <= 2 s", latency <= 2.0 and len(messages.latencies) >= 10),
              ("widget polls keep their pace (>= 90 %)", rate >= 0.9 * target),
              ("every answer 200", not agents.errors and not messages.errors and not any(p["bad"] for p in polls))]
    pool = f" + widget pool -w {args.widget_pool} at nice 10" if args.widget_pool else ""
    print(f"gunicorn -w {args.workers} --worker-class {args.worker_class}{pool}; PostgreSQL; "
          f"{args.conversations} widget conversations ({lively} talking), {args.agents} agents, phases of {args.phase:.0f} s")
    print(f"agents' pages p95: quiet {quiet * 1000:.0f} ms (n={len(agents.pages['quiet'])}), "
          f"busy {busy * 1000:.0f} ms (n={len(agents.pages['busy'])}), ratio {busy / quiet:.2f}")
    print(f"widget polls: {ok} answered, {sum(p['bad'] for p in polls)} refused, {rate:.0f}/s of {target:.0f}/s, "
          f"worst lag {max(p['late'] for p in polls):.2f} s")
    print(f"message-to-agent: p95 {latency:.2f} s, max {max(messages.latencies, default=float('nan')):.2f} s "
          f"(n={len(messages.latencies)}, {len(messages.sent)} never seen)")
    for problem in (agents.errors + messages.errors)[:5]:
        print("error:", problem)
    for name, passed in checks:
        print(f"{'PASS' if passed else 'FAIL'}  {name}")
    return 0 if all(passed for _name, passed in checks) else 1


if __name__ == "__main__":
    sys.path.insert(0, ROOT)
    sys.exit(main())
