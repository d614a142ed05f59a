"""The budget book (예산서): exact 천원 figures in each table, the XLSX and PDF, and who may read which version."""

from __future__ import annotations

import io

import pytest
from django.urls import include, path, reverse
from openpyxl import load_workbook

from lofin import urls as project_urls
from lofin.budget import book
from lofin.budget.actions import supplementary as budget_supplementary
from lofin.budget.models import (
    Account,
    AccountKind,
    BudgetVersion,
    CalcBasis,
    ExpenditureLine,
    Project,
    ProjectLevel,
    RevenueLine,
    VersionKind,
    VersionStatus,
)
from lofin.core import testing
from lofin.core.roles import Role

# The project's urls.py includes the book's URLs once the budget pages are wired; until then, this module is the
# test URLconf and adds them itself (never twice).
urlpatterns = list(project_urls.urlpatterns)
if not any(getattr(p, "namespace", None) == "budget_book" for p in urlpatterns):
    urlpatterns.append(path("g/<str:gov_code>/budget/", include("lofin.budget.book_urls")))
handler404 = project_urls.handler404
handler500 = project_urls.handler500

pytestmark = pytest.mark.urls(__name__)

YEAR = 2026


def _project(gov, account, dept, code, name, function_code, parent=None, level=ProjectLevel.POLICY):
    return Project.objects.create(
        government=gov,
        year=YEAR,
        level=level,
        code=code,
        name=name,
        parent=parent,
        account=account,
        department=dept,
        function_code=function_code,
    )


def _detail(gov, account, dept, code, name, function_code):
    """A 정책사업 → 단위사업 → 세부사업 chain; returns the 세부사업."""
    policy = _project(gov, account, dept, f"{code}-P", f"{name} 정책", function_code)
    unit = _project(gov, account, dept, f"{code}-U", f"{name} 단위", function_code, policy, ProjectLevel.UNIT)
    return _project(gov, account, dept, code, name, function_code, unit, ProjectLevel.DETAIL)


def _line(version, detail, object_code, amount, basis=None):
    line = ExpenditureLine.objects.create(
        version=version,
        government=version.government,
        account=detail.account,
        project=detail,
        object_code=object_code,
        requested_amount=amount,
        amount=amount,
    )
    rows = basis or [("일괄", 0, 1, 1, amount)]
    CalcBasis.objects.bulk_create(
        CalcBasis(line=line, seq=i, description=d, unit_price=p, quantity=q, times=t, amount=a)
        for i, (d, p, q, t, a) in enumerate(rows, start=1)
    )
    return line


@pytest.fixture
def seoul(db):
    return testing.government("1100000")


@pytest.fixture
def budget(seoul):
    """A confirmed 본예산 of Seoul: three accounts, two departments and a project without one, 예비비, revenue.

    Amounts are chosen so that rounding to 천원 matters: 1,234,500 → 1,235 (half up), 2,000,499 → 2,000."""
    general = Account.objects.create(government=seoul, code="100", name="일반회계", kind=AccountKind.GENERAL)
    water = Account.objects.create(
        government=seoul, code="200", name="상수도사업특별회계", kind=AccountKind.ENTERPRISE_SPECIAL
    )
    fund = Account.objects.create(government=seoul, code="300", name="재정안정화기금", kind=AccountKind.FUND)
    planning = testing.department(seoul, "1100", "기획예산과")
    welfare = testing.department(seoul, "2100", "복지정책과")

    version = BudgetVersion.objects.create(
        government=seoul, year=YEAR, number=0, kind=VersionKind.ORIGINAL, status=VersionStatus.CONFIRMED
    )
    office = _detail(seoul, general, planning, "S111", "부서운영", "016")
    benefits = _detail(seoul, general, welfare, "S211", "기초생활급여", "081")
    reserve = _detail(seoul, general, planning, "S911", "예비비", "161")
    pipes = _detail(seoul, water, welfare, "S411", "노후관로교체", "141")
    stabilise = _detail(seoul, fund, None, "S511", "기금운용", "014")
    _line(
        version,
        office,
        "201-01",
        1_234_500,
        [("사무용품 구입", 10_000, 12, 5, 600_000), ("복사용지", 0, 1, 1, 634_500)],
    )
    _line(version, office, "202-01", 2_000_499)
    _line(version, benefits, "301-01", 50_000_000, [("생계급여", 500_000, 10, 10, 50_000_000)])
    _line(version, reserve, "801-01", 500_000)
    _line(version, pipes, "401-01", 10_000_500)
    _line(version, stabilise, "201-01", 3_000_000)
    for account, code, amount in (
        (general, "111", 40_000_000),
        (general, "211-01", 13_734_999),
        (water, "212-03", 10_000_500),
        (fund, "216-01", 3_000_000),
    ):
        RevenueLine.objects.create(
            version=version,
            government=seoul,
            account=account,
            revenue_code=code,
            requested_amount=amount,
            amount=amount,
        )
    return {"version": version, "planning": planning, "welfare": welfare, "general": general}


@pytest.fixture
def supplementary(seoul, budget):
    """제1회 추경, still in the departments' requests: 생계급여 rises by 5,500,000 won, matched by 취득세."""
    officer = testing.official(seoul, Role.BUDGET_OFFICER, username="budget-officer")
    version = budget_supplementary.do_open_supplementary(seoul, year=YEAR, actor=officer)
    ExpenditureLine.objects.filter(version=version, object_code="301-01").update(amount=55_500_000)
    RevenueLine.objects.filter(version=version, revenue_code="111").update(amount=45_500_000)
    return version


def shown(rows, code):
    return next(r.figure.shown for r in rows if r.code == code)


# --- the tables -------------------------------------------------------------------------------------------------


def test_summary_rounds_each_total_once_from_won(budget):
    summary = book.build(budget["version"]).summary
    table = [(r.level, r.name, r.revenue.shown, r.expenditure.shown) for r in summary]
    assert table == [
        # 66,735,499 won → 66,735 thousand, although the kinds shown below add up to 66,736.
        (0, "", "66,735", "66,735"),
        (1, "일반회계", "53,735", "53,735"),
        (2, "일반회계", "53,735", "53,735"),
        (1, "공기업특별회계", "10,001", "10,001"),
        (2, "상수도사업특별회계", "10,001", "10,001"),
        (1, "기금", "3,000", "3,000"),
        (2, "재정안정화기금", "3,000", "3,000"),
    ]
    assert summary[0].expenditure.amount == 66_735_499


def test_by_account_gives_revenue_by_chapter_and_expenditure_by_field(budget):
    general = book.build(budget["version"]).accounts[0]
    assert (general.code, general.revenue.amount, general.expenditure.amount) == ("100", 53_734_999, 53_734_999)
    assert [(r.level, r.code, r.name, r.figure.shown) for r in general.revenue_rows] == [
        (0, "", "", "53,735"),
        (1, "100", "지방세수입", "40,000"),
        (2, "110", "보통세", "40,000"),
        (1, "200", "세외수입", "13,735"),
        (2, "210", "경상적세외수입", "13,735"),
    ]
    assert [(r.level, r.code, r.figure.shown) for r in general.expenditure_rows] == [
        (0, "", "53,735"),
        (1, "010", "3,235"),
        (2, "016", "3,235"),
        (1, "080", "50,000"),
        (2, "081", "50,000"),
        (1, "160", "500"),
        (2, "161", "500"),
    ]


def test_by_function_splits_general_special_and_funds(budget):
    rows = book.build(budget["version"]).by_function
    assert [(r.level, r.code, r.figure.shown, r.split_shown) for r in rows] == [
        (0, "", "66,735", ["53,735", "10,001", "3,000"]),
        (1, "010", "6,235", ["3,235", "0", "3,000"]),
        (2, "014", "3,000", ["0", "0", "3,000"]),
        (2, "016", "3,235", ["3,235", "0", "0"]),
        (1, "080", "50,000", ["50,000", "0", "0"]),
        (2, "081", "50,000", ["50,000", "0", "0"]),
        (1, "140", "10,001", ["0", "10,001", "0"]),
        (2, "141", "10,001", ["0", "10,001", "0"]),
        (1, "160", "500", ["500", "0", "0"]),
        (2, "161", "500", ["500", "0", "0"]),
    ]


def test_by_nature_groups_objects_and_rounds_half_up(budget):
    rows = book.build(budget["version"]).by_nature
    assert [(r.level, r.code, r.name, r.figure.shown) for r in rows] == [
        (0, "", "", "66,735"),
        (1, "200", "물건비", "6,235"),
        # 1,234,500 + 3,000,000 = 4,234,500 won: exactly half a thousand, rounded up.
        (2, "201", "일반운영비", "4,235"),
        (2, "202", "여비", "2,000"),
        (1, "300", "경상이전", "50,000"),
        (2, "301", "일반보전금", "50,000"),
        (1, "400", "자본지출", "10,001"),
        (2, "401", "시설비및부대비", "10,001"),
        (1, "800", "예비비및기타", "500"),
        (2, "801", "예비비", "500"),
    ]


def test_by_programme_nests_departments_projects_and_basis(budget):
    rows = book.project_rows(budget["version"])
    assert [(r.level, r.code, r.figure.shown) for r in rows] == [
        ("department", "1100", "3,735"),
        ("policy", "S111-P", "3,235"),
        ("unit", "S111-U", "3,235"),
        ("detail", "S111", "3,235"),
        ("object", "201-01", "1,235"),
        ("object", "202-01", "2,000"),
        ("policy", "S911-P", "500"),
        ("unit", "S911-U", "500"),
        ("detail", "S911", "500"),
        ("object", "801-01", "500"),
        ("department", "2100", "60,001"),
        ("policy", "S211-P", "50,000"),
        ("unit", "S211-U", "50,000"),
        ("detail", "S211", "50,000"),
        ("object", "301-01", "50,000"),
        ("policy", "S411-P", "10,001"),
        ("unit", "S411-U", "10,001"),
        ("detail", "S411", "10,001"),
        ("object", "401-01", "10,001"),
        # Projects without a department come last.
        ("department", "", "3,000"),
        ("policy", "S511-P", "3,000"),
        ("unit", "S511-U", "3,000"),
        ("detail", "S511", "3,000"),
        ("object", "201-01", "3,000"),
    ]
    office = rows[4]
    assert office.name == "사무관리비"
    assert [b.text for b in office.basis] == [
        "사무용품 구입: 10,000원 × 12 × 5 = 600,000원",
        "복사용지: 634,500원",
    ]


def test_one_department_and_the_department_totals(budget):
    welfare = budget["welfare"]
    rows = book.project_rows(budget["version"], welfare.pk)
    assert [r.code for r in rows if r.level == "object"] == ["301-01", "401-01"]
    assert [b.text for b in rows[4].basis] == ["생계급여: 500,000원 × 10 × 10 = 50,000,000원"]
    totals = book.build(budget["version"]).departments
    assert [(d.id, d.code, d.figure.shown) for d in totals] == [
        (budget["planning"].pk, "1100", "3,735"),
        (welfare.pk, "2100", "60,001"),
        (0, "", "3,000"),
    ]
    assert [r.code for r in book.project_rows(budget["version"], 0) if r.level == "object"] == ["201-01"]


def test_a_supplementary_budget_shows_the_previous_amount_and_the_change(supplementary):
    assert supplementary.number == 1
    built = book.build(supplementary)
    assert built.supplementary
    total = built.summary[0]
    assert (total.expenditure.shown, total.expenditure.previous_shown, total.expenditure.change_shown) == (
        "72,235",
        "66,735",
        "5,500",
    )
    assert (total.revenue.amount, total.revenue.previous, total.revenue.change) == (72_235_499, 66_735_499, 5_500_000)
    welfare = next(r for r in built.by_function if r.code == "081")
    assert (welfare.figure.shown, welfare.figure.previous_shown, welfare.figure.change_shown) == (
        "55,500",
        "50,000",
        "5,500",
    )


def test_the_tables_take_a_fixed_number_of_queries(budget, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        book.build(budget["version"])
    with django_assert_max_num_queries(5):
        book.project_rows(budget["version"])


# --- downloads --------------------------------------------------------------------------------------------------


def test_the_xlsx_has_a_cover_and_one_sheet_per_table_in_thousand_won(budget):
    workbook = load_workbook(io.BytesIO(book.xlsx_bytes(budget["version"])))
    assert workbook.sheetnames == ["표지", "1 세입·세출 총괄", "2 회계별", "3 분야·부문별", "4 성질별", "5 사업별"]
    cover = [tuple(r) for r in workbook["표지"].iter_rows(values_only=True)]
    assert cover[0][0] == "2026년도 서울특별시 본예산 예산서"
    assert ("상태", "확정") in cover
    assert ("단위", "(단위: 천원)") in cover

    summary = [r for r in workbook["1 세입·세출 총괄"].iter_rows(values_only=True)]
    assert summary[0] == ("세입·세출 총괄", None, "(단위: 천원)")
    assert summary[1] == ("구분", "세입 예산액", "세출 예산액")
    assert summary[2] == ("합계", 66_735, 66_735)
    assert summary[3] == ("일반회계", 53_735, 53_735)
    assert workbook["1 세입·세출 총괄"]["B3"].number_format == book.THOUSANDS_FORMAT

    nature = {r[1]: r for r in workbook["4 성질별"].iter_rows(values_only=True) if r[1]}
    assert nature["201"] == ("편성목", "201", "일반운영비", 4_235, 1_235, 0, 3_000)

    assert workbook["5 사업별"].freeze_panes == "D3"
    projects = [r for r in workbook["5 사업별"].iter_rows(values_only=True)]
    assert projects[1] == ("구분", "코드", "명칭", "예산액", "산출근거")
    office = projects.index(("통계목", "201-01", "사무관리비", 1_235, None))
    assert projects[office + 1][4] == "사무용품 구입: 10,000원 × 12 × 5 = 600,000원"
    assert projects[office + 2][4] == "복사용지: 634,500원"


def test_the_xlsx_of_a_supplementary_budget_has_previous_and_change_columns(supplementary):
    workbook = load_workbook(io.BytesIO(book.xlsx_bytes(supplementary)))
    rows = [r for r in workbook["1 세입·세출 총괄"].iter_rows(values_only=True)]
    assert rows[1][:4] == ("구분", "세입 예산액", "세입 기정액", "세입 증감")
    assert rows[2] == ("합계", 72_235, 66_735, 5_500, 72_235, 66_735, 5_500)


def test_the_pdf_embeds_a_korean_font(budget):
    pdf = book.pdf_bytes(budget["version"])
    assert pdf.startswith(b"%PDF")
    assert b"NanumGothic" in pdf


def test_without_the_nanum_font_the_pdf_falls_back_to_a_cid_font(budget, monkeypatch):
    monkeypatch.setattr(book.pdf, "NANUM_GOTHIC", "/nonexistent/NanumGothic.ttf")
    pdf = book.pdf_bytes(budget["version"])
    assert pdf.startswith(b"%PDF")
    assert b"HYGothic-Medium" in pdf
    assert b"NanumGothic" not in pdf


def test_a_large_pdf_leaves_out_the_basis_and_says_so(budget, monkeypatch):
    monkeypatch.setattr(book.pdf, "PDF_BASIS_LIMIT", 1)
    seen = []
    original = book.PdfDocument.note_row
    monkeypatch.setattr(
        book.PdfDocument, "note_row", lambda self, text, left: seen.append(text) or original(self, text, left)
    )
    assert book.pdf_bytes(budget["version"]).startswith(b"%PDF")
    assert len(seen) == 1 and "산출근거" in seen[0] and "XLSX" in seen[0]


# --- pages ------------------------------------------------------------------------------------------------------


def book_url(year=YEAR, **query):
    url = reverse("budget_book:book", args=["1100000", year])
    return url + (f"?version={query['version']}" if query else "")


def test_a_member_reads_the_book_page(client, seoul, budget):
    client.force_login(testing.person(seoul))
    response = client.get(book_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-service="ehojo"' in page
    assert "66,735" in page and "53,735" in page and "4,235" in page
    assert "<caption>" in page and 'scope="col"' in page and 'scope="row"' in page
    assert reverse("budget_book:book_xlsx", args=["1100000", YEAR]) in page
    assert reverse("budget_book:book_pdf", args=["1100000", YEAR]) in page
    detail = reverse("budget_book:book_department", args=["1100000", YEAR, budget["welfare"].pk])
    assert f'hx-get="{detail}?version=0"' in page
    assert f'href="{detail}?version=0"' in page
    # The 산출근거 load on demand, not with the page.
    assert "생계급여" not in page


def test_the_book_page_takes_a_fixed_number_of_queries(client, seoul, budget, django_assert_max_num_queries):
    client.force_login(testing.person(seoul))
    client.get(book_url())
    with django_assert_max_num_queries(14):
        assert client.get(book_url()).status_code == 200


def test_someone_of_another_government_gets_404(client, budget):
    outsider = testing.official(testing.government("2600000"), Role.BUDGET_OFFICER)
    client.force_login(outsider)
    assert client.get(book_url()).status_code == 404
    assert client.get(reverse("budget_book:book_xlsx", args=["1100000", YEAR])).status_code == 404
    detail = reverse("budget_book:book_department", args=["1100000", YEAR, budget["welfare"].pk])
    assert client.get(detail).status_code == 404


def test_a_year_without_a_budget_is_404(client, seoul, budget):
    client.force_login(testing.person(seoul))
    assert client.get(book_url(2025)).status_code == 404
    assert client.get(book_url() + "?version=x").status_code == 404


def test_the_department_fragment_and_its_no_js_page(client, seoul, budget):
    client.force_login(testing.person(seoul))
    url = reverse("budget_book:book_department", args=["1100000", YEAR, budget["welfare"].pk])
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert "<html" not in body and "<table" in body
    assert "생계급여" in body and "50,000" in body
    assert "HX-Request" in fragment["Vary"]
    page = client.get(url)
    assert page.status_code == 200
    assert "<html" in page.content.decode() and "생계급여" in page.content.decode()
    none = client.get(reverse("budget_book:book_department", args=["1100000", YEAR, 0]), headers={"HX-Request": "true"})
    assert "기금운용" in none.content.decode()


def test_a_department_of_another_government_is_404(client, seoul, budget):
    other = testing.department(testing.government("2600000"), "1100", "기획예산과")
    client.force_login(testing.person(seoul))
    url = reverse("budget_book:book_department", args=["1100000", YEAR, other.pk])
    assert client.get(url).status_code == 404


def test_downloads_for_a_member(client, seoul, budget):
    client.force_login(testing.person(seoul))
    xlsx = client.get(reverse("budget_book:book_xlsx", args=["1100000", YEAR]))
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx["Content-Disposition"] == 'attachment; filename="budget-book-1100000-2026-0.xlsx"'
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames[0] == "표지"
    pdf = client.get(reverse("budget_book:book_pdf", args=["1100000", YEAR]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_a_budget_being_prepared_is_hidden_from_residents_but_shown_to_officials(client, seoul, supplementary):
    client.force_login(testing.person(seoul))
    assert client.get(book_url(version=1)).status_code == 404
    assert client.get(reverse("budget_book:book_pdf", args=["1100000", YEAR]) + "?version=1").status_code == 404
    page = client.get(book_url()).content.decode()
    assert "?version=1" not in page

    client.force_login(testing.official(seoul, Role.FINANCE_OFFICER))
    response = client.get(book_url(version=1))
    assert response.status_code == 200
    page = response.content.decode()
    assert "72,235" in page and "5,500" in page
    assert 'href="?version=0"' in page
