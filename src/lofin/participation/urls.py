"""The pages of 주민e참여. The public and resident pages are under /participation/, which takes over the service's
entry (architecture §8.1); the government is named by `gov`, not `gov_code`: these pages are public, so no
membership is required to read. The officials' pages (`official`) are under the government workspace,
/g/<gov_code>/participation/."""

from django.urls import path

from .views import adoption, ballots, cycles, follows, proposals, questions, report, residents, results, review

app_name = "participation"

urlpatterns = [
    path("", cycles.index, name="index"),
    path("<str:gov>/", cycles.home, name="home"),
    path("<str:gov>/verify/", residents.verify, name="verify"),
    path("<str:gov>/mine/", residents.mine, name="mine"),
    path("<str:gov>/questions/", questions.question_list, name="questions"),
    path("<str:gov>/questions/ask/", questions.ask, name="ask"),
    path("<str:gov>/proposals/<int:proposal_id>/", proposals.proposal_detail, name="proposal"),
    path("<str:gov>/proposals/<int:proposal_id>/comment/", proposals.comment, name="comment"),
    path("<str:gov>/proposals/<int:proposal_id>/follow/", follows.follow, name="follow"),
    path("<str:gov>/<int:cycle_id>/", cycles.cycle_home, name="cycle"),
    path("<str:gov>/<int:cycle_id>/proposals/", proposals.proposal_list, name="proposals"),
    path("<str:gov>/<int:cycle_id>/propose/", proposals.propose, name="propose"),
    path("<str:gov>/<int:cycle_id>/vote/", ballots.vote, name="vote"),
    path("<str:gov>/<int:cycle_id>/my-vote/", ballots.my_vote, name="my_vote"),
    path("<str:gov>/<int:cycle_id>/results/", results.results, name="results"),
    path("<str:gov>/<int:cycle_id>/tracking/", adoption.tracking, name="tracking"),
]

official = (
    [
        path("", cycles.workspace, name="workspace"),
        path("new/", cycles.create_cycle, name="create_cycle"),
        path("resident-list/", residents.census, name="census"),
        path("report.xlsx", report.report_xlsx, name="report"),
        path("<int:cycle_id>/", cycles.cycle, name="cycle"),
        path("<int:cycle_id>/advance/", cycles.advance, name="advance"),
        path("<int:cycle_id>/count/", results.count, name="count"),
        path("<int:cycle_id>/override/", results.override, name="override"),
        path("<int:cycle_id>/phases/", cycles.phase_dates, name="phases"),
        path("<int:cycle_id>/adopt/", adoption.adopt, name="adopt"),
        path("<int:cycle_id>/progress/", adoption.progress, name="progress"),
        path("<int:cycle_id>/paper/", ballots.paper_ballot, name="paper"),
        path("<int:cycle_id>/election.pb", results.export_pb, name="export_pb"),
        path("proposals/<int:proposal_id>/", review.proposal, name="proposal"),
        path("questions/<int:question_id>/answer/", questions.answer, name="answer"),
    ],
    "participation_admin",
)
