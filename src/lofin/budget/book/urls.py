"""URLs of the budget book, relative to `g/<str:gov_code>/budget/` (the project's urls.py includes them there)."""

from django.urls import path

from . import views as book_views

app_name = "budget_book"

urlpatterns = [
    path("<int:year>/book/", book_views.book_view, name="book"),
    path(
        "<int:year>/book/department/<int:department_id>/",
        book_views.department_view,
        name="book_department",
    ),
    path("<int:year>/book/gender/", book_views.gender_view, name="book_gender"),
    path("<int:year>/book/performance/", book_views.performance_view, name="book_performance"),
    path("<int:year>/book.xlsx", book_views.xlsx_view, name="book_xlsx"),
    path("<int:year>/book.pdf", book_views.pdf_view, name="book_pdf"),
]
