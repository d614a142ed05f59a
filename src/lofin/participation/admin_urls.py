"""The officials' pages of 주민e참여 under the government workspace (/g/<gov_code>/participation/)."""

from django.urls import path

from .views import official, official_adopt, official_review

app_name = "participation_admin"

urlpatterns = [
    path("", official.workspace, name="workspace"),
    path("new/", official.create_cycle, name="create_cycle"),
    path("resident-list/", official.census, name="census"),
    path("report.xlsx", official.report_xlsx, name="report"),
    path("<int:cycle_id>/", official.cycle, name="cycle"),
    path("<int:cycle_id>/advance/", official.advance, name="advance"),
    path("<int:cycle_id>/count/", official.count, name="count"),
    path("<int:cycle_id>/override/", official.override, name="override"),
    path("<int:cycle_id>/phases/", official_adopt.phase_dates, name="phases"),
    path("<int:cycle_id>/adopt/", official_adopt.adopt, name="adopt"),
    path("<int:cycle_id>/progress/", official_adopt.progress, name="progress"),
    path("<int:cycle_id>/paper/", official_review.paper_ballot, name="paper"),
    path("<int:cycle_id>/election.pb", official.export_pb, name="export_pb"),
    path("proposals/<int:proposal_id>/", official_review.proposal, name="proposal"),
    path("questions/<int:question_id>/answer/", official_review.answer, name="answer"),
]
