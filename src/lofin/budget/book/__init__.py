"""The budget book (예산서): the standard tables (`tables`), as XLSX (`xlsx`) and PDF (`pdf`)."""

from .pdf import PDF_BASIS_LIMIT, PdfDocument, pdf_bytes, pdf_fonts, write_pdf
from .tables import Book, build, department_totals, project_rows, thousand
from .xlsx import THOUSANDS_FORMAT, write_xlsx, xlsx_bytes

__all__ = [
    "PDF_BASIS_LIMIT",
    "THOUSANDS_FORMAT",
    "Book",
    "PdfDocument",
    "build",
    "department_totals",
    "pdf_bytes",
    "pdf_fonts",
    "project_rows",
    "thousand",
    "write_pdf",
    "write_xlsx",
    "xlsx_bytes",
]
