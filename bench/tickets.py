"""Tickets at scale on PostgreSQL: 1,000,000 tickets with notes, calls, complaints and
回访, bulk-loaded with COPY into a database this script creates (and drops at the end);
then the p99 of search (Chinese phrases, names, numbers), of the ticket list with filters,
and the time of the monthly report (period figures + appraisal per agent), through the
same code the CLI and API use.

    .venv/bin/python bench/tickets.py [--tickets 1000000] [--admin-url postgresql+psycopg://...]

Progress goes to stderr; the last line of stdout is JSON:
``{"tickets": N, "search_p99_ms": ..., "list_p99_ms": ..., "monthly_report_ms": ...}``.
Targets: search and list p99 < 50 ms, monthly report < 300 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from callcenter.db.engine import make_engine, make_session_factory
from callcenter.db.migrate import upgrade
from callcenter.ticketing.reports import monthly_appraisal, period_report
from callcenter.ticketing.repository import TicketFilter, TicketRepository
from callcenter.ticketing.rules import DeskRules
from callcenter.ticketing.search import search_tickets
from callcenter.tickets.report_figures import PeriodKind, ReportPeriod

ADMIN_URL = os.environ.get(
    "CALLCENTER_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
YEAR = 2025
SUBJECTS = [
    "空调",
    "打印机",
    "电脑",
    "网络",
    "电梯",
    "门禁",
    "热水器",
    "投影仪",
    "电话",
    "宽带",
    "路由器",
    "显示器",
    "冰箱",
    "照明",
    "水管",
]
PROBLEMS = [
    "不制冷",
    "无法开机",
    "卡纸",
    "断线",
    "漏水",
    "噪音大",
    "蓝屏",
    "无法连接",
    "速度慢",
    "闪烁",
    "有异味",
    "报错",
]
PLACES = [
    "三楼会议室",
    "A座大厅",
    "前台",
    "财务部",
    "机房",
    "二号楼",
    "宿舍",
    "食堂",
    "仓库",
    "五楼办公室",
]
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红")
AGENTS = [str(1001 + i) for i in range(20)]
STATUSES = [
    ("closed", 70),
    ("resolved", 10),
    ("in_progress", 8),
    ("assigned", 5),
    ("new", 3),
    ("waiting_customer", 2),
    ("cancelled", 2),
]
CATEGORIES = [
    ("repair", 40),
    ("inquiry", 35),
    ("complaint", 10),
    ("suggestion", 5),
    ("coordination", 10),
]
PRIORITIES = [("normal", 70), ("high", 15), ("low", 10), ("urgent", 5)]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def weighted(pairs: list[tuple[str, int]]) -> list[str]:
    return [value for value, weight in pairs for _ in range(weight)]


def libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def ts(value: datetime | None) -> str:
    return "\\N" if value is None else value.isoformat()


class Generator:
    """Deterministic rows (seeded) in time order, as COPY text lines."""

    def __init__(self, n: int, seed: int = 7) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.statuses = weighted(STATUSES)
        self.categories = weighted(CATEGORIES)
        self.priorities = weighted(PRIORITIES)
        self.start = datetime(YEAR, 1, 1, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
        self.span = (datetime(YEAR + 1, 1, 1, tzinfo=UTC) - self.start).total_seconds()

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=2))

    def phone(self) -> str:
        return "1" + self.rng.choice("3589") + "".join(self.rng.choices("0123456789", k=9))

    def text(self) -> str:
        r = self.rng
        what = f"{r.choice(PLACES)}的{r.choice(SUBJECTS)}{r.choice(PROBLEMS)}"
        return f"{what},资产编号ZC{r.randrange(10**6):06d}"

    def tickets(self) -> Iterator[tuple[str, str, str, str, datetime, str | None, str]]:
        """(ticket line, status, category, assignee, opened_at, resolved_at iso, number)"""
        r, per_day = self.rng, {}
        step = self.span / self.n
        for i in range(self.n):
            opened = self.start + timedelta(seconds=i * step + r.random() * step)
            day = (opened + timedelta(hours=8)).date()
            seq = per_day.get(day, 0) + 1
            per_day[day] = seq
            number = f"{day:%Y%m%d}-{seq:04d}"
            status, category, priority = (
                r.choice(self.statuses),
                r.choice(self.categories),
                r.choice(self.priorities),
            )
            assignee = None if status == "new" else r.choice(AGENTS)
            response_due = opened + timedelta(hours=4)
            resolution_due = opened + timedelta(days=3)
            first = (
                opened + timedelta(minutes=r.randrange(5, 400))
                if status not in ("new", "assigned", "cancelled")
                else None
            )
            resolved = closed = None
            if status in ("resolved", "closed"):
                resolved = opened + timedelta(hours=r.randrange(1, 120))
                closed = resolved + timedelta(days=1) if status == "closed" else None
            level = (
                "supervisor"
                if status in ("in_progress", "assigned") and r.random() < 0.2
                else "none"
            )
            line = "\t".join(
                [
                    str(i + 1),
                    number,
                    r.choice(("phone", "phone", "phone", "walk_in", "voicemail")),
                    category,
                    priority,
                    status,
                    assignee or "\\N",
                    "agent" if assignee else "\\N",
                    "\\N",
                    self.name(),
                    self.phone(),
                    self.text(),
                    "\\N",
                    r.choice(AGENTS),
                    ts(opened),
                    ts(closed or resolved or opened),
                    ts(response_due),
                    ts(resolution_due),
                    ts(first),
                    ts(resolved),
                    "已处理" if resolved else "\\N",
                    ts(closed),
                    "\\N",
                    "\\N",
                    "0",
                    "[]",
                    level,
                    ts(opened + timedelta(days=3)) if level != "none" else "\\N",
                    ts(opened),
                ]
            )
            yield line, status, category, assignee or "", opened, ts(resolved), number

    def note(self, ticket_id: int, opened: datetime, k: int) -> str:
        r = self.rng
        kind = ("agent", "transcript", "system")[k % 3]
        if kind == "transcript":
            what = f"{r.choice(PLACES)}的{r.choice(SUBJECTS)}{r.choice(PROBLEMS)}"
            body = f"您好 我是{self.name()} 我们{what} 麻烦尽快派人来看看"
        elif kind == "agent":
            what = f"{r.choice(SUBJECTS)}{r.choice(PROBLEMS)}"
            body = f"已联系客户,{what},安排{r.choice(AGENTS)}上门处理"
        else:
            body = "工单已分派"
        when = ts(opened + timedelta(minutes=10 * (k + 1)))
        return "\t".join([str(ticket_id), r.choice(AGENTS), kind, body, "\\N", when])

    def call(self, i: int, opened: datetime, agent: str) -> str:
        r = self.rng
        answered = r.random() < 0.88
        wait = r.expovariate(1 / 14)
        talk = r.expovariate(1 / 180) if answered else 0.0
        start = opened - timedelta(seconds=wait + 30)
        return "\t".join(
            [
                f"bench.{i}",
                self.phone(),
                self.name(),
                "8000",
                ts(start),
                ts(start + timedelta(seconds=wait)) if answered else "\\N",
                ts(start + timedelta(seconds=wait + talk)),
                f"{wait:.1f}",
                f"{talk:.1f}",
                "answered" if answered else "abandoned",
                "general",
                (agent or r.choice(AGENTS)) if answered else "\\N",
                "[]",
                "[]",
                ts(start),
                ts(start),
            ]
        )


def copy(
    conn: psycopg.Connection[Any],
    table: str,
    columns: str,
    lines: Iterator[str],
    label: str,
    total: int,
) -> int:
    count, t0, buffer = 0, time.monotonic(), []
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as cp:
        for line in lines:
            buffer.append(line)
            count += 1
            if len(buffer) >= 20_000:
                cp.write("\n".join(buffer) + "\n")
                buffer.clear()
                if count % 200_000 == 0:
                    log(
                        f"  {label}: {count:,}/{total:,} ({count / (time.monotonic() - t0):,.0f}/s)"
                    )
        if buffer:
            cp.write("\n".join(buffer) + "\n")
    log(f"  {label}: {count:,} rows in {time.monotonic() - t0:.1f} s")
    return count


TICKET_COLUMNS = (
    "id, number, channel, category, priority, status, assignee, assignee_kind, customer_id,"
    " customer_name, contact, description, call_id, opened_by, opened_at, updated_at,"
    " response_due, resolution_due, first_response_at, resolved_at, resolution, closed_at,"
    " cancelled_at, cancel_reason, reopen_count, waiting_periods, escalation_level,"
    " escalated_at, created_at"
)


def load(url: str, n: int, notes_per_ticket: int) -> None:
    gen = Generator(n)
    meta: list[tuple[datetime, str, str, str, str, str]] = []
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        rows = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN"
            " ('tickets','ticket_notes','calls','callback_visits','complaints')"
            " AND indexname NOT LIKE 'pk_%' AND indexname NOT LIKE 'uq_%'"
        ).fetchall()
        for name, _ in rows:
            conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
        log(f"dropped {len(rows)} secondary indexes for the bulk load")

        def tickets() -> Iterator[str]:
            for line, status, category, assignee, opened, resolved, number in gen.tickets():
                meta.append((opened, status, category, assignee, resolved, number))
                yield line

        copy(conn, "tickets", TICKET_COLUMNS, tickets(), "tickets", n)

        def notes() -> Iterator[str]:
            for i, (opened, *_rest) in enumerate(meta):
                for k in range(notes_per_ticket):
                    yield gen.note(i + 1, opened, k)

        copy(
            conn,
            "ticket_notes",
            "ticket_id, author, kind, body, call_id, created_at",
            notes(),
            "notes",
            n * notes_per_ticket,
        )
        copy(
            conn,
            "calls",
            "linkedid, caller_number, caller_name, dialed, started_at, answered_at, ended_at,"
            " wait_seconds, talk_seconds, disposition, queue, agent, ivr_path, timeline,"
            " created_at, updated_at",
            (gen.call(i, m[0], m[3]) for i, m in enumerate(meta)),
            "calls",
            n,
        )

        def visits() -> Iterator[str]:
            r = gen.rng
            for i, (opened, status, _c, assignee, _resolved, _n) in enumerate(meta):
                if status != "closed":
                    continue
                due = opened + timedelta(days=7)
                visited = opened + timedelta(days=r.randrange(1, 10))
                yield "\t".join(
                    [
                        str(i + 1),
                        ts(due),
                        assignee or "\\N",
                        "completed",
                        ts(visited),
                        r.choice(AGENTS),
                        str(r.choice((5, 5, 5, 4, 4, 3, 2))),
                        "t",
                        "",
                        ts(visited),
                    ]
                )

        copy(
            conn,
            "callback_visits",
            "ticket_id, due_at, handled_by, outcome, visited_at, visited_by, satisfaction,"
            " problem_solved, note, created_at",
            visits(),
            "visits",
            n,
        )

        def complaints() -> Iterator[str]:
            for i, (opened, status, category, _a, _r, _n) in enumerate(meta):
                if category == "complaint":
                    state = "closed" if status == "closed" else "investigating"
                    yield "\t".join(
                        [
                            str(i + 1),
                            ts(opened),
                            gen.name(),
                            gen.phone(),
                            "态度差",
                            "道歉",
                            "attitude",
                            state,
                            "\\N",
                            ts(opened + timedelta(days=3)),
                        ]
                    )

        copy(
            conn,
            "complaints",
            "ticket_id, received_at, complainant, contact, content, demands, classification,"
            " status, responsible, deadline",
            complaints(),
            "complaints",
            n // 10,
        )
        conn.execute("SELECT setval(pg_get_serial_sequence('tickets','id'), %s)", (n,))
        for name, definition in rows:
            t0 = time.monotonic()
            conn.execute(definition)
            log(f"  index {name}: {time.monotonic() - t0:.1f} s")
        t0 = time.monotonic()
        conn.execute("VACUUM ANALYZE")
        log(f"vacuum analyze: {time.monotonic() - t0:.1f} s")


def timed(func: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    func()
    return (time.perf_counter() - t0) * 1000


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def measure(url: str, n: int, rounds: int) -> dict[str, Any]:
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    rules = DeskRules()
    rng = random.Random(11)
    queries = [
        "空调不制冷",
        "打印机卡纸",
        "电梯噪音大",
        "三楼会议室的网络",
        "王伟",
        "ZC123456",
        "安排1005上门",
        "财务部 蓝屏",
        "宽带断线",
        "热水器漏水",
        "门禁无法连接",
        "投影仪闪烁",
    ]
    now = datetime(YEAR + 1, 1, 1, tzinfo=UTC)
    filters = [
        TicketFilter(statuses=["in_progress"], category="repair"),
        TicketFilter(open_only=True, priority="urgent"),
        TicketFilter(statuses=["assigned"], assignee="1007"),
        TicketFilter(open_only=True, assignee="1012"),
        TicketFilter(escalated=True, open_only=True),
        TicketFilter(overdue_at=now),
        TicketFilter(channel="voicemail", statuses=["new"]),
        TicketFilter(
            category="complaint",
            opened_from=datetime(YEAR, 6, 1, tzinfo=UTC),
            opened_before=datetime(YEAR, 7, 1, tzinfo=UTC),
        ),
    ]
    found: dict[str, int] = {}
    with sessions() as session:
        for q in queries:  # warm up and record how much each finds
            found[q] = len(search_tickets(session, q))
        for f in filters:
            TicketRepository(session).filtered(f, limit=50)
        search_by_query: dict[str, list[float]] = {q: [] for q in queries}
        for _ in range(rounds):
            for q in rng.sample(queries, len(queries)):
                search_by_query[q].append(timed(lambda q=q: search_tickets(session, q)))
        search_ms = [ms for samples in search_by_query.values() for ms in samples]
        list_ms = [
            timed(lambda f=f: TicketRepository(session).filtered(f, limit=50))
            for _ in range(rounds)
            for f in rng.sample(filters, len(filters))
        ]
        period = ReportPeriod.containing(PeriodKind.MONTH, date(YEAR, 6, 15))

        def monthly() -> None:
            period_report(session, rules, period)
            monthly_appraisal(session, rules, YEAR, 6)

        monthly()
        report_ms = [timed(monthly) for _ in range(5)]
        figures = period_report(session, rules, period).as_dict()
    engine.dispose()
    log(f"search hits per query (limit 20): {found}")
    slowest = {q: round(max(v), 1) for q, v in search_by_query.items()}
    log(f"search: slowest ms per query: {slowest}")
    log(
        f"June report: offered {figures['offered']}, opened {figures['tickets_opened']},"
        f" resolved {figures['tickets_resolved']}, visits due {figures['visits_due']}"
    )
    log(
        f"search ms: median {statistics.median(search_ms):.1f}, max {max(search_ms):.1f};"
        f" list ms: median {statistics.median(list_ms):.1f}, max {max(list_ms):.1f};"
        f" monthly report ms: {', '.join(f'{x:.0f}' for x in report_ms)}"
    )
    return {
        "tickets": n,
        "search_p99_ms": round(p99(search_ms), 1),
        "list_p99_ms": round(p99(list_ms), 1),
        "monthly_report_ms": round(statistics.median(report_ms), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--notes", type=int, default=2, help="notes per ticket")
    parser.add_argument("--rounds", type=int, default=20, help="passes over the query sets")
    parser.add_argument("--admin-url", default=ADMIN_URL)
    parser.add_argument("--keep", metavar="NAME", help="load into NAME and keep it (tuning)")
    parser.add_argument("--reuse", metavar="NAME", help="measure a database kept by --keep")
    args = parser.parse_args()
    admin = libpq(args.admin_url)
    if args.reuse:
        url = make_url(args.admin_url).set(database=args.reuse).render_as_string(False)
        print(json.dumps(measure(url, args.tickets, args.rounds)))
        return
    name = args.keep or f"callcenter_bench_{os.getpid()}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                sql.Identifier(name)
            )
        )
    url = make_url(args.admin_url).set(database=name).render_as_string(hide_password=False)
    started = time.monotonic()
    try:
        log(f"database {name}: migrating")
        upgrade(url)
        log(f"loading {args.tickets:,} tickets, {args.notes} notes each, calls, 回访, complaints")
        load(url, args.tickets, args.notes)
        log(f"loaded in {time.monotonic() - started:.0f} s; measuring")
        result = measure(url, args.tickets, args.rounds)
    finally:
        if args.keep:
            log(f"kept {name}: --reuse {name} measures again; drop it when done")
        else:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
            log(f"dropped {name}; total {time.monotonic() - started:.0f} s")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
