"""Budget book (issue 3): the book page, one department's fragment, the XLSX and the PDF of the largest government.

Targets (issue 3, "Performance"): the page of 서울특별시 (1100000) renders in under 1 s, the XLSX in under 10 s.

    .venv/bin/python -m bench.budget_book                                  # SQLite file var/bench_book.sqlite3
    .venv/bin/python -m bench.budget_book --database-url postgresql://...  # any database Lofin supports

The database is migrated if needed. The budget measured is Seoul's confirmed 본예산 of --year from the `large`
demo (`lofin demo load --size large`) when the database has one; otherwise the script generates a budget of the
same shape with bulk inserts (--lines 세부사업 lines, 2–3 산출근거 rows each, 120 departments, 16 accounts) so
the benchmark does not depend on the demo loader. The peer of each figure is its target.

Page timings use Django's test client through the whole middleware stack, logged in as a resident of Seoul:
"warm" is the median of 5 requests in one process after one unmeasured request; "cold" is the median of 5 first
requests, each in a new process (templates, translations, URL conf and the database connection all start cold;
the database's own cache does not). XLSX and PDF are the median of --repeat builds, queries included.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOVERNMENT = "1100000"
READER = "bench-book-reader"


def setup_django(database_url: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lofin.settings")
    os.environ["LOFIN_DATABASE_URL"] = database_url
    os.environ.setdefault("LOFIN_DEMO", "1")
    os.environ.setdefault("LOFIN_LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    _ensure_urls()


def _ensure_urls() -> None:
    """Until the project's urls.py includes the book, serve it from a URLconf made here."""
    from django.conf import settings
    from django.urls import clear_url_caches, include, path

    from lofin import urls

    if any(getattr(p, "namespace", None) == "budget_book" for p in urls.urlpatterns):
        return
    global urlpatterns
    urlpatterns = [*urls.urlpatterns, path("g/<str:gov_code>/budget/", include("lofin.budget.book.urls"))]
    settings.ROOT_URLCONF = __name__
    clear_url_caches()


urlpatterns: list[Any] = []


# --- the budget -------------------------------------------------------------------------------------------------

BASIS_TEXTS = (
    ("사무용품 구입", 25_000),
    ("업무용 차량 유류비", 180_000),
    ("위원회 참석수당", 150_000),
    ("홍보물 제작", 2_400_000),
    ("시설 유지보수", 12_500_000),
    ("전산장비 임차", 3_300_000),
    ("직무교육 위탁", 850_000),
    ("행사 운영", 7_000_000),
    ("민간단체 보조", 45_000_000),
    ("노후시설 개선공사", 380_000_000),
    ("연구용역", 95_000_000),
    ("급여 지원", 2_150_000),
)


def generate(year: int, lines: int, seed: int = 3) -> Any:
    """Seoul's confirmed 본예산 of `year` with `lines` lines, written with bulk inserts in one transaction."""
    from django.db import transaction

    from lofin.budget.models import (
        Account,
        AccountKind,
        BudgetVersion,
        CalcBasis,
        CodeKind,
        ExpenditureLine,
        NationalCode,
        Project,
        ProjectLevel,
        RevenueLine,
        VersionKind,
        VersionStatus,
    )
    from lofin.core.models import Department, LocalGovernment

    rng = random.Random(seed)
    gov = LocalGovernment.objects.get(code=GOVERNMENT)
    codes = NationalCode.objects.filter(year=year)
    sectors = [c for c in codes.filter(kind=CodeKind.FUNCTION, level="sector").values_list("code", flat=True)]
    sectors = [s for s in sectors if s != "161"]
    objects = [
        c
        for c in codes.filter(kind=CodeKind.OBJECT, level="subitem").values_list("code", flat=True)
        if not c.startswith("8")
    ]
    revenues = list(codes.filter(kind=CodeKind.REVENUE, level__in=["item", "subitem"]).values_list("code", flat=True))
    if not sectors or not objects or not revenues:
        raise SystemExit(f"the national code lists of {year} are not loaded")

    with transaction.atomic():
        kinds = [AccountKind.GENERAL] + [AccountKind.ENTERPRISE_SPECIAL] * 3 + [AccountKind.OTHER_SPECIAL] * 4
        kinds += [AccountKind.FUND] * 8
        # Accounts and departments belong to the government, not the year: another year reuses them.
        accounts = list(Account.objects.filter(government=gov, code__startswith="B").order_by("code"))
        if not accounts:
            accounts = Account.objects.bulk_create(
                Account(government=gov, code=f"B{i:02d}", name=f"벤치회계{i:02d}", kind=kind)
                for i, kind in enumerate(kinds)
            )
        departments = list(Department.objects.filter(government=gov, code__startswith="B").order_by("code"))
        if not departments:
            departments = Department.objects.bulk_create(
                Department(government=gov, code=f"B{i:03d}", name=f"벤치부서{i:03d}") for i in range(120)
            )
        version = BudgetVersion.objects.create(
            government=gov, year=year, number=0, kind=VersionKind.ORIGINAL, status=VersionStatus.CONFIRMED
        )

        def account_for() -> Any:
            return accounts[0] if rng.random() < 0.8 else rng.choice(accounts[1:])

        # Roughly 3.5 lines per 세부사업, 3 세부사업 per 단위사업, 4 단위사업 per 정책사업.
        n_details = max(lines * 2 // 7, 1)
        n_units = max(n_details // 3, 1)
        n_policies = max(n_units // 4, 1)
        policies = Project.objects.bulk_create(
            Project(
                government=gov,
                year=year,
                level=ProjectLevel.POLICY,
                code=f"B{i:04d}",
                name=f"정책사업 {i:04d}",
                account=account_for(),
                department=rng.choice(departments),
                function_code=rng.choice(sectors),
            )
            for i in range(n_policies)
        )
        units = Project.objects.bulk_create(
            Project(
                government=gov,
                year=year,
                level=ProjectLevel.UNIT,
                code=f"{p.code}-{i:02d}",
                name=f"단위사업 {p.code}-{i:02d}",
                parent=p,
                account=p.account,
                department=p.department,
                function_code=p.function_code,
            )
            for i, p in ((i, policies[i % n_policies]) for i in range(n_units))
        )
        details = Project.objects.bulk_create(
            Project(
                government=gov,
                year=year,
                level=ProjectLevel.DETAIL,
                code=f"{u.code}-{i:03d}",
                name=f"세부사업 {u.code}-{i:03d} 추진",
                parent=u,
                account=u.account,
                department=u.department,
                function_code=u.function_code,
            )
            for i, u in ((i, units[i % n_units]) for i in range(n_details))
        )

        planned: dict[tuple[int, str], list[tuple[str, int, int, int, int]]] = {}
        while len(planned) < lines - 1:
            detail = rng.choice(details)
            key = (detail.pk, rng.choice(objects))
            if key in planned:
                continue
            rows = []
            for _ in range(rng.choice((2, 2, 3, 3, 3))):
                text, price = rng.choice(BASIS_TEXTS)
                price += rng.choice((0, 0, 0, 500, 1_250))
                quantity, times = rng.randint(1, 12), rng.choice((1, 1, 2, 4, 12))
                rows.append((text, price, quantity, times, price * quantity * times))
            planned[key] = rows
        by_id = {d.pk: d for d in details}
        general_total = sum(
            sum(r[4] for r in rows) for (pk, _o), rows in planned.items() if by_id[pk].account_id == accounts[0].pk
        )
        reserve_policy = Project.objects.create(
            government=gov,
            year=year,
            level=ProjectLevel.POLICY,
            code="B9999",
            name="예비비",
            account=accounts[0],
            department=departments[0],
            function_code="161",
        )
        reserve_unit = Project.objects.create(
            government=gov,
            year=year,
            level=ProjectLevel.UNIT,
            code="B9999-01",
            name="예비비",
            parent=reserve_policy,
            account=accounts[0],
            department=departments[0],
            function_code="161",
        )
        reserve = Project.objects.create(
            government=gov,
            year=year,
            level=ProjectLevel.DETAIL,
            code="B9999-01-001",
            name="일반예비비",
            parent=reserve_unit,
            account=accounts[0],
            department=departments[0],
            function_code="161",
        )
        by_id[reserve.pk] = reserve
        planned[(reserve.pk, "801-01")] = [("일반예비비", 0, 1, 1, general_total // 200)]

        line_objects = ExpenditureLine.objects.bulk_create(
            (
                ExpenditureLine(
                    version=version,
                    government=gov,
                    account_id=by_id[pk].account_id,
                    project_id=pk,
                    object_code=obj,
                    requested_amount=sum(r[4] for r in rows),
                    amount=sum(r[4] for r in rows),
                )
                for (pk, obj), rows in planned.items()
            ),
            batch_size=2_000,
        )
        CalcBasis.objects.bulk_create(
            (
                CalcBasis(line=line, seq=seq, description=d, unit_price=p, quantity=q, times=t, amount=a)
                for line, rows in zip(line_objects, planned.values(), strict=True)
                for seq, (d, p, q, t, a) in enumerate(rows, start=1)
            ),
            batch_size=5_000,
        )

        # Revenue balances expenditure in every account (수지균형), spread over 25 revenue codes each.
        spent: dict[int, int] = {}
        for line in line_objects:
            spent[line.account_id] = spent.get(line.account_id, 0) + line.amount
        revenue_rows = []
        for account_id, total in spent.items():
            chosen = rng.sample(revenues, min(25, len(revenues)))
            weights = [rng.random() + 0.1 for _ in chosen]
            left = total
            for i, (code, w) in enumerate(zip(chosen, weights, strict=True)):
                amount = left if i == len(chosen) - 1 else int(total * w / sum(weights))
                left -= amount
                revenue_rows.append(
                    RevenueLine(
                        version=version,
                        government=gov,
                        account_id=account_id,
                        revenue_code=code,
                        requested_amount=amount,
                        amount=amount,
                    )
                )
        RevenueLine.objects.bulk_create(revenue_rows)
        BudgetVersion.objects.filter(pk=version.pk).update(total_amount=sum(spent.values()))
    return version


def budget_version(year: int | None, lines: int) -> tuple[Any, str]:
    """The version to measure and where it came from."""
    from lofin.budget.models import BudgetVersion, ExpenditureLine, VersionStatus

    confirmed = BudgetVersion.objects.filter(
        government__code=GOVERNMENT, number=0, status=VersionStatus.CONFIRMED
    ).order_by("-year")
    if year is not None:
        confirmed = confirmed.filter(year=year)
    version = confirmed.first()
    if version is not None and ExpenditureLine.objects.filter(version=version).exists():
        return version, "existing data (demo)"
    target = year or 2026
    if BudgetVersion.objects.filter(government__code=GOVERNMENT, year=target).exists():
        raise SystemExit(f"{GOVERNMENT} has an unconfirmed or empty budget of {target}; choose another --year")
    started = time.perf_counter()
    version = generate(target, lines)
    return version, f"generated by bench/budget_book.py in {time.perf_counter() - started:.1f} s"


# --- measuring --------------------------------------------------------------------------------------------------


def reader() -> Any:
    from lofin.core import testing
    from lofin.core.models import User

    user = User.objects.filter(username=READER).first()
    return user or testing.person(testing.government(GOVERNMENT), username=READER)


def client_for(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def page_url(version: Any) -> str:
    from django.urls import reverse

    return reverse("budget_book:book", args=[GOVERNMENT, version.year]) + f"?version={version.number}"


def timed_get(client: Any, url: str, **headers: str) -> float:
    started = time.perf_counter()
    response = client.get(url, headers=headers)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    return elapsed


def median_of(fn: Any, n: int) -> float:
    return statistics.median(fn() for _ in range(n))


def cold_page(version_id: int) -> float:
    """The first request of a fresh process (run in a child)."""
    from lofin.budget.models import BudgetVersion

    version = BudgetVersion.objects.select_related("government").get(pk=version_id)
    client = client_for(reader())
    return timed_get(client, page_url(version))


def database_name(connection: Any) -> str:
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    major, minor = divmod(connection.pg_version, 10_000)
    return f"PostgreSQL {major}.{minor}"


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection
    from django.db.models import Count
    from django.urls import reverse

    from lofin.budget import book
    from lofin.budget.models import CalcBasis, ExpenditureLine

    version, origin = budget_version(args.year, args.lines)
    client = client_for(reader())
    url = page_url(version)
    timed_get(client, url)
    page_warm = median_of(lambda: timed_get(client, url), 5)

    cold = []
    for _ in range(5):
        out = subprocess.run(
            [sys.executable, "-m", "bench.budget_book", "--database-url", args.database_url, "--cold", str(version.pk)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        cold.append(json.loads(out.stdout.strip().splitlines()[-1])["seconds"])

    biggest = (
        ExpenditureLine.objects.filter(version=version)
        .values("project__department_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert biggest is not None
    fragment = reverse(
        "budget_book:book_department", args=[GOVERNMENT, version.year, biggest["project__department_id"]]
    )
    fragment += f"?version={version.number}"
    timed_get(client, fragment, HX_Request="true")
    fragment_warm = median_of(lambda: timed_get(client, fragment, HX_Request="true"), 5)

    sizes: dict[str, int] = {}

    def build(kind: str) -> float:
        started = time.perf_counter()
        body = book.xlsx_bytes(version) if kind == "xlsx" else book.pdf_bytes(version)
        elapsed = time.perf_counter() - started
        sizes[kind] = len(body)
        return elapsed

    xlsx = median_of(lambda: build("xlsx"), args.repeat)
    pdf = median_of(lambda: build("pdf"), args.repeat)
    lines = ExpenditureLine.objects.filter(version=version).count()
    basis = CalcBasis.objects.filter(line__version=version).count()
    return {
        "database": database_name(connection),
        "budget": f"{GOVERNMENT} {version.year} v{version.number}: {lines:,} lines, {basis:,} 산출근거 rows ({origin})",
        "departments": len(book.department_totals(version)),
        "fragment_lines": biggest["n"],
        "page_warm": page_warm,
        "page_cold": statistics.median(cold),
        "fragment_warm": fragment_warm,
        "xlsx": xlsx,
        "xlsx_mb": sizes["xlsx"] / 1e6,
        "pdf": pdf,
        "pdf_mb": sizes["pdf"] / 1e6,
        "pdf_basis": basis <= book.PDF_BASIS_LIMIT,
    }


def table(r: dict[str, Any], repeat: int) -> str:
    def ok(seconds: float, target: float) -> str:
        return "met" if seconds < target else "**missed**"

    basis_note = "with 산출근거" if r["pdf_basis"] else "lines only: 산출근거 over the PDF limit, in the XLSX"
    rows = [
        ("book page, warm (median of 5)", f"{r['page_warm'] * 1000:.0f} ms", f"< 1 s: {ok(r['page_warm'], 1)}"),
        (
            "book page, cold: first request of a new process (median of 5)",
            f"{r['page_cold'] * 1000:.0f} ms",
            f"< 1 s: {ok(r['page_cold'], 1)}",
        ),
        (
            f"department fragment with 산출근거, largest department ({r['fragment_lines']:,} lines), warm",
            f"{r['fragment_warm'] * 1000:.0f} ms",
            "—",
        ),
        (
            f"XLSX, whole book with every 산출근거 (median of {repeat})",
            f"{r['xlsx']:.2f} s ({r['xlsx_mb']:.1f} MB)",
            f"< 10 s: {ok(r['xlsx'], 10)}",
        ),
        (f"PDF, {basis_note} (median of {repeat})", f"{r['pdf']:.2f} s ({r['pdf_mb']:.1f} MB)", "—"),
    ]
    head = f"{r['database']} · {r['budget']} · {r['departments']} departments\n\n"
    lines = ["| measurement | result | target |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return head + "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'var' / 'bench_book.sqlite3'}")
    parser.add_argument("--year", type=int, default=None)
    parser.add_argument("--lines", type=int, default=15_000, help="lines to generate when no demo budget exists")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cold", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.database_url.startswith("sqlite:///"):
        Path(args.database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    setup_django(args.database_url)
    if args.cold is not None:
        print(json.dumps({"seconds": cold_page(args.cold)}))
        return
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    result = measure(args)
    print(table(result, args.repeat))


if __name__ == "__main__":
    main()
