"""Add customer cases and their timelines to a bench database that already has orders (bench/generate.py).

    .venv/bin/python -m bench.generate_cases --url sqlite:////tmp/shopcs-bench-cases/cases-1m.sqlite3 --cases 1000000 \\
        --now 2026-11-26T01:00:00+00:00

The same two years as the orders (`--days`, `--now`: use the values the orders were generated with), ids in time
order. Each case: a customer message, then as its life goes an escalation (a serious complaint at once; a breach
when the first reply came more than a minute after the due time, as the breach sweep would), a supervisor's
acknowledgement, a transfer to after-sales or shipping, the first reply (sent, or logged when given on the phone or the
platform's chat), notes, a second round of customer message and reply, then resolved and, three days later, closed.
Cases received in the last two days are open (new / open / waiting) with probability 0.55, those 2–7 days old 0.08,
older ones 0.0003 (stuck waiting on the customer): about 2,000–2,500 open cases at any size whose history covers a
week or more, at 1,370 cases a day (1,000,000 over 730 days). A size generated over a shorter history at the same rate
(10,000 cases over 7.3 days) has the same open cases in the same proportions; only the history is shorter.

The people: `bench-agent` (bench/servers.py's user) and agent02…agent12, aftersales01–02, shipping01, supervisor01–02,
created through `shopcs.auth.services.create_user`. A case created by hand (phone always, otherwise 40 %) is owned by
the agent who opened it; the others came through the API and are unowned until transferred to a person.

First-response due times: chat, platform and phone have every day open with fixed hours in Asia/Shanghai (no daylight
saving), so `fast_due` computes them with arithmetic; email (working hours, China's public holidays) goes through
`shopcs.cases.sla.first_response_due` itself. Before writing, `check_due` compares `fast_due` with
`first_response_due` on 3,000 sampled times of every channel and stops on any difference.

Bulk writes as bench/writers.py: SQLite executemany with the journal off, PostgreSQL COPY. The two tables' secondary
indexes are dropped before the load and built after it (with any index the models declare that the database lacks),
then ANALYZE. Refuses a database that already holds cases unless --replace (which empties cases and case_events).
"""
import argparse
import bisect
import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.schema import CreateTable

from shopcs.cases.wordsearch.build import rebuild

from .fake import PRODUCT_MODS, PRODUCT_WORDS
from .writers import BulkWriter

ZONE, OFFSET = "Asia/Shanghai", timedelta(hours=8)
DAY = 86400.0
PEOPLE = (("bench-agent", "agent"), *((f"agent{n:02d}", "agent") for n in range(2, 13)),
          ("aftersales01", "after_sales"), ("aftersales02", "after_sales"), ("shipping01", "shipping"),
          ("supervisor01", "supervisor"), ("supervisor02", "supervisor"))
CATEGORY_WEIGHTS = (("tracking", 30), ("payment", 12), ("claim", 8), ("after_sales", 22), ("pre_sale", 18), ("complaint", 10))
CHANNEL_WEIGHTS = (("chat", 45), ("platform", 25), ("phone", 15), ("email", 15))
SEVERITY_WEIGHTS = (("normal", 70), ("low", 15), ("high", 11), ("critical", 4))
SUBJECTS = {
    "tracking": ("快递三天没动了", "物流一直不更新", "什么时候能到", "显示签收但没收到", "能不能改派送地址"),
    "payment": ("退款还没到账", "付款失败但扣了钱", "重复扣款", "发票金额不对", "优惠券没抵扣"),
    "claim": ("包裹破损要求赔偿", "少发了一件", "外箱压坏了", "商品丢失", "收到的东西碎了"),
    "after_sales": ("尺码不对要换货", "颜色和图片不一样", "质量问题要退货", "怎么申请退货", "换货进度"),
    "pre_sale": ("有没有大码", "什么时候发货", "能不能开发票", "有没有现货", "材质是什么"),
    "complaint": ("客服态度差", "投诉快递员", "承诺的赠品没给", "一直没人回复", "虚假宣传"),
}
NOTES = ("已联系快递核实", "买家要求电话回访", "等仓库确认", "已申请补发", "转主管看一下")
REPLIES = ("您好,已为您查询,请稍等", "您好,已经为您催促快递", "很抱歉给您带来不便,已为您登记", "谢谢您的耐心,已处理好了")
FOLLOW_UPS = ("还有一个问题", "请尽快处理", "什么时候能退款", "能不能加急", "我再等一天")
TEAM_OF = {"tracking": "shipping", "claim": "after_sales", "after_sales": "after_sales", "complaint": "after_sales"}
OPEN_HOURS = {"chat": (8, 24, 5), "platform": (8, 24, 5), "phone": (9, 21, 3)}  # opens, closes (local hour), minutes


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.generate_cases", description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--cases", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--days", type=float, default=730, help="history ending --now, as the orders were generated")
    parser.add_argument("--now", required=True, help="end of history, ISO 8601 with offset, as the orders were generated")
    parser.add_argument("--batch", type=int, default=20_000)
    parser.add_argument("--replace", action="store_true", help="empty cases and case_events first")
    parser.add_argument("--no-analyze", dest="analyze", action="store_false")
    return parser.parse_args(argv)


def fast_due(received: datetime, channel: str) -> datetime:
    """Naive UTC in and out; channels open every day with fixed hours in a zone without daylight saving."""
    opens, closes, minutes = OPEN_HOURS[channel]
    local = received + OFFSET
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    left = timedelta(minutes=minutes)
    day = midnight
    start = max(local, day + timedelta(hours=opens))
    while True:
        end = day + timedelta(hours=closes)
        if start < end:
            if start + left <= end:
                return start + left - OFFSET
            left -= end - start
        day += timedelta(days=1)
        start = day + timedelta(hours=opens)


def _sla():
    from shopcs.cases.sla import SlaSettings, first_response_due

    settings = SlaSettings.default()
    return lambda received, channel: first_response_due(received.replace(tzinfo=UTC), channel, settings, ZONE) \
        .astimezone(UTC).replace(tzinfo=None)


def check_due(start: datetime, span: float, samples: int = 3000) -> None:
    exact, rng = _sla(), random.Random(7)
    for channel in OPEN_HOURS:
        for _ in range(samples):
            received = start + timedelta(seconds=rng.random() * span)
            if rng.random() < 0.2:  # near the opening and closing hours
                received = received.replace(hour=rng.choice((0, 1, 12, 13, 15, 16)), minute=rng.choice((0, 55, 57, 59)))
            if fast_due(received, channel) != exact(received, channel):
                raise SystemExit(f"fast_due differs from first_response_due for {channel} at {received}")


def _detail(rng: random.Random, category: str) -> str:
    """What a buyer adds half the time: a tracking number (one case's own), the product, the amount."""
    if rng.random() < 0.5:
        return ""
    if category == "tracking":
        return f", 快递单号 SF{rng.randrange(10**11, 10**12)}"
    if category == "payment":
        return f", 金额 {rng.randrange(10, 2000)} 元"
    if category == "pre_sale":
        return f", 想买{rng.choice(PRODUCT_WORDS)}"
    return f", 买的是{rng.choice(PRODUCT_MODS)}{rng.choice(PRODUCT_WORDS)}"


def _pick(rng: random.Random, weighted) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


class CaseStory:
    def __init__(self, cases: int, now: datetime, days: float, seed: int, orders, customers: int, users: dict):
        self.cases, self.now, self.seed = cases, now, seed
        self.start = now - timedelta(days=days)
        self.span = (now - self.start).total_seconds()
        self.order_ids, self.order_customers, self.order_times = orders
        self.customers = customers
        self.users = users  # username -> id
        self.agents = [n for n, role in PEOPLE if role == "agent"]
        self.team_people = {"after_sales": ["aftersales01", "aftersales02"], "shipping": ["shipping01"]}
        self.exact_due = _sla()

    def batch(self, first_id: int, count: int, first_event_id: int) -> tuple[list[dict], list[dict]]:
        rng = random.Random(f"{self.seed}-case-{first_id}")
        cases, events = [], []
        self.event_id = first_event_id
        for cid in range(first_id, first_id + count):
            received = self.start + timedelta(seconds=self.span * (cid - 1 + rng.random()) / self.cases)
            received = received.replace(microsecond=received.microsecond // 1000 * 1000)
            self._case(rng, cid, received, cases, events)
        return cases, events

    def _event(self, events, case_id, kind, actor, at, body="", channel=None, data=None):
        self.event_id += 1
        events.append({"id": self.event_id, "case_id": case_id, "kind": kind, "actor": actor, "body": body,
                       "channel": channel, "occurred_at": at, "created_at": at,
                       "data": None if data is None else json.dumps(data, ensure_ascii=False)})

    def _case(self, rng, cid, received, cases, events) -> None:
        now = self.now
        category, channel = _pick(rng, CATEGORY_WEIGHTS), _pick(rng, CHANNEL_WEIGHTS)
        severity = _pick(rng, SEVERITY_WEIGHTS)
        if category == "complaint" and rng.random() < 0.3:
            severity = rng.choice(("high", "critical"))
        order_id = customer_id = None
        if category != "pre_sale" or rng.random() < 0.3:
            # an order placed up to 20 days before the message
            lo = bisect.bisect_left(self.order_times, received.timestamp() - 20 * DAY)
            hi = bisect.bisect_right(self.order_times, received.timestamp())
            if hi > lo:
                k = rng.randrange(lo, hi)
                order_id, customer_id = self.order_ids[k], self.order_customers[k]
        if customer_id is None:
            customer_id = rng.randint(1, self.customers)
        due = fast_due(received, channel) if channel in OPEN_HOURS else self.exact_due(received, channel)
        by_hand = channel == "phone" or rng.random() < 0.4
        creator = rng.choice(self.agents) if by_hand else None
        created_by = f"user:{creator}" if creator else "token:shop-chat"
        owner, team = creator, "agents"
        age = (now - received).total_seconds() / DAY
        open_p = 0.55 if age < 2 else 0.08 if age < 7 else 0.0003
        is_open = rng.random() < open_p
        status = "closed"
        if is_open:
            status = "new" if age < 0.125 and rng.random() < 0.6 else ("open" if rng.random() < 0.6 else "waiting")
        answered = status != "new" and (is_open or rng.random() > 0.005)
        responded = None
        if answered:
            wall = (due - received).total_seconds()
            share = rng.uniform(0.1, 0.95) if rng.random() < 0.9 else rng.uniform(1.05, 3.0)
            responded = received + timedelta(seconds=wall * share)
            if responded >= now:
                responded, status = None, "new"
        words = random.Random(f"{self.seed}-words-{cid}")  # the messages' details: the other values stay as they were
        case = {"id": cid, "category": category, "channel": channel, "severity": severity, "status": status,
                "subject": rng.choice(SUBJECTS[category]),
                "body": "买家留言: " + rng.choice(SUBJECTS[category]) + _detail(words, category),
                "customer_id": customer_id, "order_id": order_id, "owner_id": None, "team": team,
                "received_at": received, "first_response_due_at": due, "first_responded_at": responded,
                "resolved_at": None, "closed_at": None, "escalated_at": None, "escalation_reason": None,
                "escalation_acknowledged_at": None, "escalation_acknowledged_by": None, "created_by": created_by,
                "created_at": received, "updated_at": received, "lock_version": 0}
        cases.append(case)
        self._event(events, cid, "customer_message", created_by, received, case["body"], channel)
        timeline = []  # (at, kind, actor, body, data) after the first message, sorted at the end
        escalations = []
        if category == "complaint" and severity in ("high", "critical"):
            escalations.append((received, "complaint", created_by))
        if (responded is None and due < now) or (responded is not None and responded > due + timedelta(minutes=1)):
            escalations.append((due + timedelta(seconds=30), "breach", "system:scheduler"))
        for at, reason, actor in escalations:
            timeline.append((at, "escalation", actor, "升级给主管", {"reason": reason}))
            case["escalated_at"], case["escalation_reason"] = at, reason
        if escalations:
            acked = escalations[-1][0] + timedelta(minutes=rng.uniform(5, 240))
            if acked < now and (rng.random() < 0.97 or acked < now - timedelta(days=2)):  # a few recent ones wait
                who = rng.choice(("supervisor01", "supervisor02"))
                timeline.append((acked, "acknowledgement", f"user:{who}", "已知悉,已跟进", {"reason": case["escalation_reason"]}))
                case["escalation_acknowledged_at"], case["escalation_acknowledged_by"] = acked, f"user:{who}"
        replier = owner or rng.choice(self.agents)
        moved = received + timedelta(minutes=rng.uniform(1, 30))
        if category in TEAM_OF and rng.random() < 0.12 and moved < now:
            to_team = TEAM_OF[category]
            person = rng.choice(self.team_people[to_team]) if rng.random() < 0.5 else None
            before = {"team": team, "owner": owner}
            owner, team = person, to_team
            timeline.append((moved, "transfer", f"user:{replier}", "立即让客户转移到售后部门处理",
                             {"before": before, "after": {"team": team, "owner": owner}}))
        state, last = "new", received
        if responded is not None:
            logged = channel == "phone" or (channel == "platform" and rng.random() < 0.5)
            timeline.append((responded, "reply_logged" if logged else "reply", f"user:{replier}", rng.choice(REPLIES),
                             {"status": {"before": "new", "after": "open"}}))
            state, last = "open", responded
            if rng.random() < 0.25:
                last += timedelta(minutes=rng.uniform(1, 60))
                timeline.append((last, "note", f"user:{replier}", rng.choice(NOTES), None))
            if rng.random() < 0.3:
                last += timedelta(hours=rng.uniform(0.2, 8))
                timeline.append((last, "customer_message", created_by, words.choice(FOLLOW_UPS), None))
                last += timedelta(minutes=rng.uniform(1, 30))
                timeline.append((last, "reply", f"user:{replier}", rng.choice(REPLIES), None))
        if status in ("new", "open", "waiting"):
            if status == "waiting":
                last += timedelta(minutes=1)
                timeline.append((last, "status", f"user:{replier}", "", {"status": {"before": state, "after": "waiting"}}))
        else:
            resolved = last + timedelta(hours=rng.uniform(0.1, 30))
            if resolved >= now:
                resolved = last + (now - last) / 2
            timeline.append((resolved, "status", f"user:{replier}", "", {"status": {"before": state, "after": "resolved"}}))
            case["status"], case["resolved_at"] = "resolved", resolved
            closed = resolved + timedelta(days=3)
            if closed < now:
                timeline.append((closed, "status", "system:autoclose", "", {"status": {"before": "resolved", "after": "closed"}}))
                case["status"], case["closed_at"] = "closed", closed
        timeline = [item for item in timeline if item[0] < now]
        timeline.sort(key=lambda item: item[0])
        for at, kind, actor, body, data in timeline:
            self._event(events, cid, kind, actor, at, body, channel if kind in ("reply", "reply_logged", "customer_message")
                        else None, data)
            case["updated_at"] = max(case["updated_at"], at)
        case["owner_id"] = self.users[owner] if owner else None
        case["team"] = team
        case["lock_version"] = len(timeline)


def ensure_schema(engine, metadata) -> list:
    """Creates missing tables (no secondary indexes); returns the indexes of cases and case_events to build later."""
    present = set(inspect(engine).get_table_names())
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            if table.name not in present:
                conn.execute(CreateTable(table))
                if table.name not in ("cases", "case_events"):
                    for index in table.indexes:
                        index.create(conn)
    return [index for name in ("cases", "case_events") for index in metadata.tables[name].indexes]


def drop_indexes(engine, indexes) -> None:
    existing = {i["name"] for name in ("cases", "case_events") for i in inspect(engine).get_indexes(name)}
    with engine.begin() as conn:
        for index in indexes:
            if index.name in existing:
                conn.execute(text(f"DROP INDEX {index.name}"))


def create_people(url: str) -> dict[str, int]:
    from shopcs import create_app
    from shopcs.auth.models import User
    from shopcs.auth.services import create_user
    from shopcs.extensions import db

    from .servers import BENCH_PASSWORD

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "generate-cases-" + "x" * 20})
    with app.app_context():
        for username, role in PEOPLE:
            if db.session.query(User).filter_by(username=username).first() is None:
                create_user(username, role, BENCH_PASSWORD, datetime.now(UTC))
        db.session.commit()
        ids = dict(db.session.query(User.username, User.id))
        db.session.remove()
        db.engine.dispose()
    return ids


def load_orders(engine):
    ids, customers, times = [], [], []
    with engine.connect() as conn:
        for oid, cid, placed in conn.execute(text("SELECT id, customer_id, placed_at FROM orders ORDER BY id")):
            if isinstance(placed, str):
                placed = datetime.fromisoformat(placed)
            ids.append(oid)
            customers.append(cid)
            times.append(placed.replace(tzinfo=UTC).timestamp())
        count = conn.execute(text("SELECT max(id) FROM customers")).scalar() or 1
    order = sorted(range(len(ids)), key=times.__getitem__)  # ids grow with time already; be sure
    return ([ids[i] for i in order], [customers[i] for i in order], [times[i] for i in order]), count


def generate_cases(url: str, cases: int, now: datetime, seed: int = 1, days: float = 730, batch: int = 20_000,
                   replace: bool = False, analyze: bool = True, log=print) -> dict[str, int]:
    from .generate import _metadata

    started = time.perf_counter()
    metadata = _metadata()
    engine = create_engine(url)
    indexes = ensure_schema(engine, metadata)
    with engine.begin() as conn:
        if conn.execute(text("SELECT 1 FROM cases LIMIT 1")).first() is not None:
            if not replace:
                raise SystemExit("The database already has cases; pass --replace to empty them first.")
            if engine.dialect.name == "sqlite":
                conn.execute(text("DELETE FROM case_events"))
                conn.execute(text("DELETE FROM cases"))
            else:
                conn.execute(text("TRUNCATE case_events, cases CASCADE"))
            conn.execute(text("DELETE FROM case_words"))  # and the bench's (empty) tables that refer to cases
    users = create_people(url)
    check_due(now - timedelta(days=days), days * DAY)
    orders, customers = load_orders(engine)
    log(f"people, orders read and due times checked in {time.perf_counter() - started:.1f} s")
    drop_indexes(engine, indexes)
    story = CaseStory(cases, now, days, seed, orders, customers, users)
    writer = BulkWriter(engine, metadata)
    counts, event_id = {"cases": 0, "case_events": 0}, 0
    for first in range(1, cases + 1, batch):
        rows, events = story.batch(first, min(batch, cases - first + 1), event_id)
        event_id = story.event_id
        writer.write("cases", rows)
        writer.write("case_events", events)
        writer.commit()
        counts["cases"] += len(rows)
        counts["case_events"] += len(events)
        if counts["cases"] % (batch * 10) == 0 or counts["cases"] == cases:
            log(f"cases: {counts['cases']:>9,}, events {counts['case_events']:>10,} in {time.perf_counter() - started:6.1f} s")
    writer.raw.close()
    loaded = time.perf_counter()
    present = {i["name"] for t in inspect(engine).get_table_names() for i in inspect(engine).get_indexes(t)}
    with engine.begin() as conn:
        for table in metadata.sorted_tables:  # cases' and case_events' indexes, and any declared one the database lacks
            for index in table.indexes:
                if index.name not in present:
                    index.create(conn)
        if engine.dialect.name != "sqlite":
            for name in ("cases", "case_events"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                  f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"))
    log(f"indexes: {time.perf_counter() - loaded:.1f} s")
    with engine.begin() as conn:  # the word search's index, as the app keeps it (shopcs.cases.wordsearch)
        rebuild(conn, log=log)
    if analyze:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE" if engine.dialect.name == "sqlite" else "VACUUM ANALYZE cases"))
            if engine.dialect.name != "sqlite":
                conn.execute(text("VACUUM ANALYZE case_events"))
                conn.execute(text("VACUUM ANALYZE case_words"))
                conn.execute(text("ANALYZE customers"))
    log(f"indexes, word index{' and ANALYZE' if analyze else ''}: {time.perf_counter() - loaded:.1f} s")
    with engine.connect() as conn:
        open_cases = conn.execute(text("SELECT count(*) FROM cases WHERE status IN ('new', 'open', 'waiting')")).scalar()
    engine.dispose()
    log(f"done: cases {counts['cases']:,}, events {counts['case_events']:,}, open {open_cases:,}; "
        f"total {time.perf_counter() - started:.1f} s")
    return counts


def main(argv=None) -> int:
    args = parse_args(argv)
    now = datetime.fromisoformat(args.now)
    if now.tzinfo is None:
        raise SystemExit("--now needs an offset")
    generate_cases(args.url, args.cases, now.astimezone(UTC).replace(tzinfo=None, microsecond=0), args.seed, args.days,
                   args.batch, args.replace, args.analyze)
    return 0


if __name__ == "__main__":
    sys.exit(main())
