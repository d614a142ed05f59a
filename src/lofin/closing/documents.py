"""The statements and the 세입세출결산 as XLSX and PDF, made from the stored snapshot so a download is the same
bytes every time: fixed document dates, fixed zip timestamps, reportlab's invariant mode (no date, fixed id).

Like the budget book (`budget/book/`), the documents are official Korean papers: their headings are Korean."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lofin.budget.book.pdf import pdf_fonts
from lofin.budget.book.xlsx import Sheet

from .budget_result import for_entity

ENTITY_KO = {
    "general": "일반회계",
    "other_special": "기타특별회계",
    "fund": "기금회계",
    "enterprise_special": "지방공기업특별회계",
    "consolidated": "통합",
}
STATEMENT_KO = {
    "position": "재정상태표",
    "performance": "재정운영표",
    "changes": "순자산변동표",
    "notes": "주석",
    "budget_result": "세입세출결산",
}
CARRY_KO = {"explicit": "명시이월", "accident": "사고이월", "continuing": "계속비이월"}
CONTINGENT_KO = {"unpaid_commitments": "미지급 지출원인행위 (이월되지 않음)", "open_claims": "미수납 징수결정"}
UNIT = "(단위: 원)"
# Files carry this date, not the time they were made: the same snapshot gives the same bytes.
FIXED = dt.datetime(2000, 1, 1)


@dataclass
class Table:
    title: str
    headers: list[str]
    widths: list[float]
    amounts: set[int]
    rows: list[tuple[list[Any], bool]] = field(default_factory=list)

    def add(self, values: Sequence[Any], bold: bool = False) -> None:
        self.rows.append((list(values), bold))


def _position(s: dict[str, Any]) -> list[Table]:
    t = Table("재정상태표", ["과목", "코드", "금액"], [40, 10, 20], {2})
    p = s["position"]
    for title, groups, total in (
        ("자산", p["assets"], p["assets_total"]),
        ("부채", p["liabilities"], p["liabilities_total"]),
        ("순자산", p["net_assets"], p["net_assets_total"]),
    ):
        t.add([title, "", total], True)
        for g in groups:
            t.add([f"  {g['group']}", "", g["total"]], True)
            for line in g["lines"]:
                t.add([f"    {line['name']}", line["code"], line["amount"]])
    t.add(["부채와 순자산 합계", "", p["liabilities_total"] + p["net_assets_total"]], True)
    return [t]


def _performance(s: dict[str, Any]) -> list[Table]:
    p = s["performance"]
    t = Table("재정운영표", ["과목", "코드", "금액"], [40, 10, 20], {2})
    t.add(["사업순원가", "", p["program_cost_total"]], True)
    for line in p["program_costs"]:
        t.add([f"  {line['name']}", line["code"], line["amount"]])
    if p["by_function"]:
        t.add(["  (기능별 사업순원가)", "", None], True)
        for f in p["by_function"]:
            t.add([f"    {f['name']}", f["function"], f["amount"]])
    t.add(["비배분비용", "", p["unallocated_total"]], True)
    for line in p["unallocated_costs"]:
        t.add([f"  {line['name']}", line["code"], line["amount"]])
    if p["internal_costs"]:
        t.add(["내부거래 비용 (전출금)", "5350", p["internal_costs"]], True)
    t.add(["재정운영순원가", "", p["net_cost"]], True)
    t.add(["일반수익", "", p["general_revenue_total"]], True)
    for line in p["general_revenues"]:
        t.add([f"  {line['name']}", line["code"], line["amount"]])
    if p["internal_revenues"]:
        t.add(["  내부거래 수익 (전입금)", "4500", p["internal_revenues"]])
    t.add(["재정운영결과", "", p["result"]], True)
    if s.get("eliminated"):
        t.add(["(제거된 내부거래: 수익)", "", s["eliminated"]["revenue"]])
        t.add(["(제거된 내부거래: 비용)", "", s["eliminated"]["expense"]])
    return [t]


def _changes(s: dict[str, Any]) -> list[Table]:
    c = s["changes"]
    t = Table("순자산변동표", ["구분", "코드", "금액"], [40, 10, 20], {2})
    t.add(["기초순자산", "", c["opening"]], True)
    t.add(["재정운영결과", "", -c["result"]])
    t.add(["순자산의 증감 (직접 조정)", "", c["adjustment_total"]], True)
    for line in c["adjustments"]:
        t.add([f"  {line['name']}", line["code"], line["amount"]])
    if c["elimination_difference"]:
        t.add(["내부거래 제거 차이", "", c["elimination_difference"]])
    t.add(["기말순자산", "", c["closing"]], True)
    return [t]


def _notes(n: dict[str, Any]) -> list[Table]:
    policies = Table("주석 1. 중요한 회계정책", ["항목", "내용"], [16, 90], set())
    for p in n["policies"]:
        policies.add([p["key"], p["text"]])
    assets = Table("주석 2. 자산 (종류별)", ["과목", "코드", "건수", "취득원가"], [30, 10, 10, 20], {2, 3})
    for a in n["assets"]:
        assets.add([a["name"], a["code"], a["count"], a["cost"]])
    assets.add(["감가상각누계액", "1330", None, n["accumulated_depreciation"]], True)
    assets.add(["당기 감가상각비", "5500", None, n["depreciation"]], True)
    b = n["borrowings"]
    debt = Table("주석 3. 차입부채 (지방채)", ["구분", "금액"], [30, 20], {1})
    for label, key in (("기초", "opening"), ("발행", "issued"), ("상환", "repaid"), ("기말", "closing")):
        debt.add([label, b[key]], key == "closing")
    carries = Table("주석 4. 다음 연도 이월", ["구분", "건수", "금액"], [30, 10, 20], {1, 2})
    for c in n["carry_overs"]:
        carries.add([CARRY_KO.get(c["kind"], c["kind"]), c["count"], c["amount"]])
    contingent = Table("주석 5. 우발상황 및 약정", ["구분", "건수", "금액"], [40, 10, 20], {1, 2})
    for c in n["contingent"]:
        contingent.add([CONTINGENT_KO.get(c["key"], c["key"]), c["count"], c["amount"]])
    return [policies, assets, debt, carries, contingent]


def _budget_result(r: dict[str, Any]) -> list[Table]:
    exp = Table(
        "세출결산",
        ["회계", "세부사업", "통계목", "예산현액", "지출액", "명시이월", "사고이월", "계속비이월", "불용액"],
        [8, 30, 9, 16, 16, 14, 14, 14, 16],
        {3, 4, 5, 6, 7, 8},
    )
    for row in r["expenditure"]:
        exp.add(
            [
                row["account"],
                f"{row['project']} {row['project_name']}",
                row["object_code"],
                row["appropriation"],
                row["paid"],
                row["carried_explicit"],
                row["carried_accident"],
                row["carried_continuing"],
                row["lapsed"],
            ]
        )
    e = r["totals"]["expenditure"]
    exp.add(
        ["합계", "", "", e["appropriation"], e["paid"], e["carried_explicit"], e["carried_accident"],
         e["carried_continuing"], e["lapsed"]],
        True,
    )  # fmt: skip
    rev = Table(
        "세입결산",
        ["회계", "세입과목", "예산액", "징수결정액", "수납액", "불납결손액", "미수납액"],
        [8, 12, 16, 16, 16, 14, 16],
        {2, 3, 4, 5, 6},
    )
    for row in r["revenue"]:
        rev.add(
            [row["account"], row["revenue_code"], row["budget"], row["assessed"], row["collected"],
             row["prescribed"], row["uncollected"]]
        )  # fmt: skip
    v = r["totals"]["revenue"]
    rev.add(["합계", "", v["budget"], v["assessed"], v["collected"], v["prescribed"], v["uncollected"]], True)
    return [rev, exp]


def tables(document: dict[str, Any], entity: str, statement: str) -> list[Table]:
    if statement == "budget_result":
        return _budget_result(for_entity(document["budget_result"], entity))
    if statement == "notes":
        return _notes(document["notes"][entity])
    s = document["statements"][entity]
    return {"position": _position, "performance": _performance, "changes": _changes}[statement](s)


def title(document: dict[str, Any], entity: str, statement: str) -> str:
    gov = document["government"]["name"]
    if statement == "budget_result":
        return f"{gov} {document['year']}회계연도 세입세출결산 ({ENTITY_KO.get(entity, entity)})"
    return f"{gov} {document['year']}회계연도 {STATEMENT_KO[statement]} ({ENTITY_KO.get(entity, entity)})"


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with every entry dated FIXED: openpyxl stamps entries with the time of writing."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps the save time as the modified date whatever the properties say.
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)
            dst.writestr(fixed, data)
    return out.getvalue()


def xlsx_bytes(document: dict[str, Any], entity: str, statement: str) -> bytes:
    # Openpyxl loads only when a spreadsheet is made.
    from openpyxl import Workbook  # noqa: PLC0415

    workbook = Workbook(write_only=True)
    workbook.properties.creator = "Lofin"
    workbook.properties.created = FIXED
    workbook.properties.modified = FIXED
    workbook.properties.title = title(document, entity, statement)
    for i, table in enumerate(tables(document, entity, statement), start=1):
        sheet = Sheet(workbook, f"{i} {table.title}"[:31], table.widths, table.amounts)
        sheet.plain([title(document, entity, statement)])
        sheet.plain([table.title, None, UNIT])
        sheet.row(table.headers, bold=True)
        for values, bold in table.rows:
            sheet.row(values, bold=bold)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return f"△{-value:,}" if value < 0 else f"{value:,}"
    return str(value)


def pdf_bytes(document: dict[str, Any], entity: str, statement: str) -> bytes:
    # Reportlab loads only when a PDF is made.
    from reportlab.lib.pagesizes import A4, landscape  # noqa: PLC0415
    from reportlab.pdfgen import canvas  # noqa: PLC0415

    heading = title(document, entity, statement)
    found = tables(document, entity, statement)
    wide = statement == "budget_result"
    size = landscape(A4) if wide else A4
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=size, invariant=1, pageCompression=1)
    c.setTitle(heading)
    c.setAuthor("Lofin")
    font, bold = pdf_fonts()
    width, height = size
    margin, leading = 36.0, 12.0
    y = 0.0

    def new_page() -> float:
        c.setFont(font, 7)
        c.drawString(margin, height - 24, heading)
        c.drawRightString(width - margin, height - 24, UNIT)
        c.drawCentredString(width / 2, 20, f"- {c.getPageNumber()} -")
        return height - margin - 10

    y = new_page()
    for table in found:
        scale = (width - 2 * margin) / sum(table.widths)
        widths = [w * scale for w in table.widths]
        if y < margin + 4 * leading:
            c.showPage()
            y = new_page()
        c.setFont(bold, 11)
        c.drawString(margin, y - 11, table.title)
        y -= 22
        for values, is_bold in [(table.headers, True), *table.rows]:
            if y < margin + leading:
                c.showPage()
                y = new_page()
            c.setFont(bold if is_bold else font, 7.5)
            x = margin
            for i, (w, value) in enumerate(zip(widths, values, strict=False)):
                text = _shown(value)
                if i in table.amounts:
                    c.drawRightString(x + w - 2, y - 9, text)
                else:
                    c.drawString(x + 2, y - 9, text[: max(int(w / 4), 4)])
                x += w
            y -= leading
        y -= leading
    c.showPage()
    c.save()
    return buffer.getvalue()
