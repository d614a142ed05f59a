"""The budget book as a PDF (reportlab), with an embedded Korean TrueType font when available."""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from lofin.budget.models import AccountKind, BudgetVersion, VersionStatus
from lofin.core import clock

from .tables import (
    KIND_KO,
    LEVEL_KO,
    STATUS_KO,
    UNIT_NOTE_KO,
    Figure,
    basis_count,
    build,
    document_title,
    figure_headers,
    project_rows,
    row_level_ko,
    summary_name,
    thousand,
    version_label_ko,
)

# --- PDF ------------------------------------------------------------------------------------------------------

# Debian's fonts-nanum. Without it, the PDF uses a CID font that every PDF reader supplies (nothing embedded).
NANUM_GOTHIC = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
NANUM_GOTHIC_BOLD = "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf"
CID_FALLBACK = "HYGothic-Medium"
# Beyond this many 산출근거 lines the PDF gives the lines of 사업별 without their basis (the XLSX has all): past
# about 2,500 pages a PDF helps nobody and takes long to make. The largest demo budget (~40,000) stays whole.
PDF_BASIS_LIMIT = 100_000


def pdf_fonts() -> tuple[str, str]:
    """(regular, bold) font names, registered with reportlab once per process."""
    # Reportlab loads only when a PDF is made.
    from reportlab.pdfbase import pdfmetrics  # noqa: PLC0415

    if os.path.exists(NANUM_GOTHIC):
        # Reportlab loads only when a PDF is made.
        from reportlab.pdfbase.ttfonts import TTFont  # noqa: PLC0415

        registered = set(pdfmetrics.getRegisteredFontNames())
        if "NanumGothic" not in registered:
            pdfmetrics.registerFont(TTFont("NanumGothic", NANUM_GOTHIC))
        bold = "NanumGothic"
        if os.path.exists(NANUM_GOTHIC_BOLD):
            if "NanumGothicBold" not in registered:
                pdfmetrics.registerFont(TTFont("NanumGothicBold", NANUM_GOTHIC_BOLD))
            bold = "NanumGothicBold"
        return "NanumGothic", bold
    # Reportlab loads only when a PDF is made.
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: PLC0415

    if CID_FALLBACK not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
    return CID_FALLBACK, CID_FALLBACK


def _k(amount: int) -> str:
    """천원 for print: decreases with △ as Korean budget documents write them."""
    value = thousand(amount)
    return f"△{-value:,}" if value < 0 else f"{value:,}"


@dataclass(frozen=True)
class _Column:
    label: str
    width: float
    right: bool = False


class PdfDocument:
    """A4 pages of ruled tables drawn straight on the canvas: platypus tables are far too slow for a book of
    tens of thousands of rows. Each page carries the document title, the unit note and its number."""

    SIZE = 7.5
    LEADING = 11.0
    MARGIN = 36.0

    def __init__(self, out: Any, title: str) -> None:
        # Reportlab loads only when a PDF is made.
        from reportlab.lib.pagesizes import A4  # noqa: PLC0415
        from reportlab.pdfbase.pdfmetrics import stringWidth  # noqa: PLC0415
        from reportlab.pdfgen import canvas  # noqa: PLC0415

        self.width, self.height = A4
        self.canvas = canvas.Canvas(out, pagesize=A4, pageCompression=1)
        self.canvas.setTitle(title)
        self.canvas.setAuthor("Lofin")
        self.font, self.bold = pdf_fonts()
        self.title = title
        self.string_width = stringWidth
        self.columns: list[_Column] = []
        self.name_column = 2
        self.section = ""
        self.y = 0.0
        self.page_started = False

    # page furniture
    def _start_page(self) -> None:
        c = self.canvas
        c.setFont(self.font, 7)
        c.setFillGray(0.35)
        c.drawString(self.MARGIN, self.height - 24, self.title)
        c.drawRightString(self.width - self.MARGIN, self.height - 24, UNIT_NOTE_KO)
        c.drawCentredString(self.width / 2, 20, f"- {c.getPageNumber()} -")
        c.setFillGray(0)
        self.y = self.height - self.MARGIN - 8
        self.page_started = True

    def _end_page(self) -> None:
        if self.page_started:
            self.canvas.showPage()
            self.page_started = False

    def _room(self, lines: int = 1) -> None:
        if not self.page_started:
            self._start_page()
        if self.y - lines * self.LEADING < self.MARGIN + 4:
            self._end_page()
            self._start_page()
            if self.columns:
                self._heading(f"{self.section} (계속)", 10)
                self._header_row()

    def _heading(self, text: str, size: float) -> None:
        self.canvas.setFont(self.bold, size)
        self.canvas.drawString(self.MARGIN, self.y - size, text)
        self.y -= size + 8

    def _header_row(self) -> None:
        c = self.canvas
        top = self.y
        c.setFillGray(0.9)
        c.rect(self.MARGIN, top - self.LEADING - 2, self.width - 2 * self.MARGIN, self.LEADING + 2, stroke=0, fill=1)
        c.setFillGray(0)
        self._cells([col.label for col in self.columns], bold=True)
        c.setLineWidth(0.5)
        c.line(self.MARGIN, self.y + 2, self.width - self.MARGIN, self.y + 2)

    def _fit(self, text: str, width: float, font: str) -> str:
        # Hangul is about one em wide, Latin about half: only text that might overflow is measured.
        if len(text) * self.SIZE * 0.5 <= width:
            return text
        if self.string_width(text, font, self.SIZE) <= width:
            return text
        while text and self.string_width(text + "…", font, self.SIZE) > width:
            text = text[: max(len(text) - max(len(text) // 8, 1), 0)]
        return text + "…"

    def _cells(self, values: Sequence[str], *, bold: bool = False, indent: float = 0.0) -> None:
        c = self.canvas
        font = self.bold if bold else self.font
        c.setFont(font, self.SIZE)
        baseline = self.y - self.LEADING + 2.5
        x = self.MARGIN
        for i, (col, value) in enumerate(zip(self.columns, values, strict=False)):
            if value:
                pad = indent if i == self.name_column else 0.0
                text = self._fit(value, col.width - 4 - pad, font)
                if col.right:
                    c.drawRightString(x + col.width - 2, baseline, text)
                else:
                    c.drawString(x + 2 + pad, baseline, text)
            x += col.width
        self.y -= self.LEADING

    # the document's parts
    def cover(self, lines: Sequence[tuple[str, str]], contents: Sequence[str], note: str) -> None:
        self._start_page()
        c = self.canvas
        c.setFont(self.bold, 20)
        c.drawCentredString(self.width / 2, self.height * 0.62, self.title)
        c.setFont(self.font, 11)
        y = self.height * 0.52
        for label, value in lines:
            c.drawString(self.width * 0.28, y, label)
            c.drawString(self.width * 0.45, y, value)
            y -= 18
        y -= 12
        c.setFont(self.bold, 11)
        c.drawString(self.width * 0.28, y, "수록 표")
        c.setFont(self.font, 10)
        for item in contents:
            y -= 16
            c.drawString(self.width * 0.30, y, item)
        if note:
            c.setFont(self.font, 8.5)
            c.drawString(self.width * 0.28, y - 28, note)
        self._end_page()

    def table(self, title: str, columns: Sequence[_Column], *, name_column: int = 2) -> None:
        """Start a table on a new page; rows are indented by level in the name column."""
        self._end_page()
        self.section = title
        self.columns = list(columns)
        self.name_column = name_column
        self._start_page()
        self._heading(title, 12)
        self._header_row()

    def subheading(self, text: str) -> None:
        self._room(3)
        self.y -= 4
        self.canvas.setFont(self.bold, 9)
        self.canvas.drawString(self.MARGIN, self.y - 9, text)
        self.y -= 13

    def row(self, values: Sequence[str], *, bold: bool = False, indent: float = 0.0, rule: bool = False) -> None:
        self._room()
        self._cells(values, bold=bold, indent=indent)
        if rule:
            self.canvas.setLineWidth(0.3)
            self.canvas.line(self.MARGIN, self.y + 1.5, self.width - self.MARGIN, self.y + 1.5)

    def note_row(self, text: str, left: float) -> None:
        """A line of text across the row from `left` (산출근거 under its 통계목)."""
        self._room()
        self.canvas.setFont(self.font, self.SIZE - 0.5)
        width = self.width - self.MARGIN - left - 2
        self.canvas.drawString(left, self.y - self.LEADING + 2.5, self._fit(text, width, self.font))
        self.y -= self.LEADING

    def save(self) -> None:
        self._end_page()
        self.canvas.save()


def write_pdf(version: BudgetVersion, out: Any) -> None:
    """The book as an A4 PDF with Korean text: the same tables as the XLSX."""
    book = build(version)
    sup = book.supplementary
    government = version.government
    with_basis = basis_count(version) <= PDF_BASIS_LIMIT
    pdf = PdfDocument(out, document_title(version))

    def figures(figure: Figure) -> list[str]:
        if sup:
            return [_k(figure.amount), _k(figure.previous), _k(figure.change)]
        return [_k(figure.amount)]

    omitted = "" if with_basis else "※ 산출근거는 분량이 많아 PDF에서는 생략하였습니다. XLSX 파일에 모두 들어 있습니다."
    pdf.cover(
        [
            ("지방자치단체", f"{government.name} ({government.code})"),
            ("회계연도", f"{version.year}년"),
            ("예산", version_label_ko(version)),
            ("상태", STATUS_KO.get(VersionStatus(version.status), version.status)),
            ("작성일시", timezone.localtime(clock.now()).strftime("%Y-%m-%d %H:%M")),
            ("단위", UNIT_NOTE_KO),
        ],
        ["1. 세입·세출 총괄", "2. 회계별 세입·세출", "3. 분야·부문별 세출", "4. 성질별 세출", "5. 사업별 세출"],
        omitted,
    )

    amount_width = 58.0 if sup else 80.0
    n = 3 if sup else 1
    usable = pdf.width - 2 * pdf.MARGIN

    labels = figure_headers("", sup)
    pdf.table(
        "1. 세입·세출 총괄",
        [_Column("구분", usable - 2 * n * amount_width)]
        + [_Column(f"세입 {h}", amount_width, True) for h in labels]
        + [_Column(f"세출 {h}", amount_width, True) for h in labels],
        name_column=0,
    )
    for s in book.summary:
        pdf.row(
            [summary_name(s), *figures(s.revenue), *figures(s.expenditure)],
            bold=s.level < 2,
            indent=10.0 if s.level == 2 else 0.0,
            rule=s.level == 0,
        )

    pdf.table(
        "2. 회계별 세입·세출",
        [_Column("구분", 34), _Column("코드", 40), _Column("과목", usable - 74 - n * amount_width)]
        + [_Column(h, amount_width, True) for h in labels],
    )
    for section in book.accounts:
        pdf.subheading(f"{section.code} {section.name} ({KIND_KO[AccountKind(section.kind)]})")
        for title, rows, levels in (
            ("세입", section.revenue_rows, ("장", "관")),
            ("세출", section.expenditure_rows, ("분야", "부문")),
        ):
            for r in rows:
                pdf.row(
                    [row_level_ko(r, *levels), r.code, r.name or f"{title} 계", *figures(r.figure)],
                    bold=r.level < 2,
                    indent=8.0 if r.level == 2 else 0.0,
                    rule=r.level == 0,
                )

    split_width = 52.0
    for title, rows, levels in (
        ("3. 분야·부문별 세출", book.by_function, ("분야", "부문")),
        ("4. 성질별 세출", book.by_nature, ("그룹", "편성목")),
    ):
        extra = ["기정액", "증감"] if sup else []
        pdf.table(
            title,
            [_Column("구분", 34), _Column("코드", 30), _Column("명칭", usable - 64 - (4 + len(extra)) * split_width)]
            + [_Column(h, split_width, True) for h in ("계", "일반회계", "특별회계", "기금", *extra)],
        )
        for r in rows:
            values = figures(r.figure)
            pdf.row(
                [
                    row_level_ko(r, *levels),
                    r.code,
                    r.name or "세출 계",
                    values[0],
                    *[_k(a) for a in r.split],
                    *values[1:],
                ],
                bold=r.level < 2,
                indent=8.0 if r.level == 2 else 0.0,
                rule=r.level == 0,
            )

    pdf.table(
        "5. 사업별 세출" + ("" if with_basis else " (산출근거 생략)"),
        [_Column("구분", 40), _Column("코드", 60), _Column("명칭", usable - 100 - n * amount_width)]
        + [_Column(h, amount_width, True) for h in labels],
    )
    if omitted:
        pdf.note_row(omitted, pdf.MARGIN + 2)
    indents = {"department": 0.0, "policy": 4.0, "unit": 8.0, "detail": 12.0, "object": 16.0}
    basis_left = pdf.MARGIN + 100 + 20
    for p in project_rows(version, with_basis=with_basis):
        pdf.row(
            [LEVEL_KO[p.level], p.code, p.name, *figures(p.figure)],
            bold=p.level == "department",
            indent=indents[p.level],
            rule=p.level == "department",
        )
        for b in p.basis:
            pdf.note_row("· " + b.text, basis_left)
    pdf.save()


def pdf_bytes(version: BudgetVersion) -> bytes:
    buffer = io.BytesIO()
    write_pdf(version, buffer)
    return buffer.getvalue()
