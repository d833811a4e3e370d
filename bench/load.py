"""The load generator, run as its own process: N threads of requests.Session against each target.

    python -m bench.load PLAN.json  ->  prints {"target name": [latency seconds, ...], ...} as JSON

PLAN: {"targets": [{"name", "base", "path", "login": [user, password] | null}], "rounds", "requests",
"concurrency", "warmup"}. Every round runs each target in turn, in a shuffled order (so drift and
the neighbours' load hit all alike); each thread logs in once per server through the real form
(CSRF token from the page, session cookie kept).
A response other than 200 aborts the run: a fast error page must never pass for a fast page.
"""
import json
import random
import re
import sys
import threading
import time

import requests

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def login(session: requests.Session, base: str, user: str, password: str) -> None:
    page = session.get(base + "/login", timeout=30)
    match = CSRF.search(page.text)
    token = (match.group(1) or match.group(2)) if match else ""
    answer = session.post(base + "/login", data={"username": user, "password": password, "csrf_token": token},
                          allow_redirects=False, timeout=30)
    if answer.status_code != 302:
        raise SystemExit(f"login to {base} failed with {answer.status_code}")


class Worker:
    """One thread's sessions, one per server, logged in where the target asks for it."""

    def __init__(self):
        self.sessions: dict[str, requests.Session] = {}

    def session_for(self, target: dict) -> requests.Session:
        session = self.sessions.get(target["base"])
        if session is None:
            session = self.sessions[target["base"]] = requests.Session()
            if target.get("login"):
                login(session, target["base"], *target["login"])
        return session

    def run(self, target: dict, count: int, out: list, failures: list) -> None:
        session, url = self.session_for(target), target["base"] + target["path"]
        for _ in range(count):
            started = time.perf_counter()
            answer = session.get(url, allow_redirects=False, timeout=60)
            elapsed = time.perf_counter() - started
            if answer.status_code != 200:
                failures.append(f"{target['name']}: GET {url} answered {answer.status_code}")
                return
            out.append(elapsed)


def hammer(workers: list[Worker], target: dict, total: int) -> list[float]:
    latencies: list[float] = []
    failures: list[str] = []
    share = [total // len(workers) + (1 if n < total % len(workers) else 0) for n in range(len(workers))]
    threads = [threading.Thread(target=w.run, args=(target, n, latencies, failures)) for w, n in zip(workers, share, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(failures[0])
    return latencies


def run(plan: dict) -> dict[str, list[float]]:
    workers = [Worker() for _ in range(plan["concurrency"])]
    for target in plan["targets"]:  # log in and warm every worker process and cache
        hammer(workers, target, max(plan["warmup"], len(workers)))
    results: dict[str, list[float]] = {t["name"]: [] for t in plan["targets"]}
    shuffler = random.Random(1)
    for _ in range(plan["rounds"]):
        for target in shuffler.sample(plan["targets"], len(plan["targets"])):
            results[target["name"]] += hammer(workers, target, plan["requests"])
    return results


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    with open(argv[0], encoding="utf-8") as handle:
        plan = json.load(handle)
    print(json.dumps(run(plan)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
