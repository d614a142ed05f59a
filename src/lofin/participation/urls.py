"""Public and resident pages of 주민e참여: /participation/ takes over the service's entry (architecture §8.1).
The government is named by `gov`, not `gov_code`: these pages are public, so no membership is required to read."""

from django.urls import path

from .views import ballot, public, resident

app_name = "participation"

urlpatterns = [
    path("", public.index, name="index"),
    path("<str:gov>/", public.home, name="home"),
    path("<str:gov>/verify/", resident.verify, name="verify"),
    path("<str:gov>/mine/", resident.mine, name="mine"),
    path("<str:gov>/questions/", public.questions, name="questions"),
    path("<str:gov>/questions/ask/", resident.ask, name="ask"),
    path("<str:gov>/proposals/<int:proposal_id>/", public.proposal_detail, name="proposal"),
    path("<str:gov>/proposals/<int:proposal_id>/comment/", resident.comment, name="comment"),
    path("<str:gov>/proposals/<int:proposal_id>/follow/", resident.follow, name="follow"),
    path("<str:gov>/<int:cycle_id>/", public.cycle_home, name="cycle"),
    path("<str:gov>/<int:cycle_id>/proposals/", public.proposals, name="proposals"),
    path("<str:gov>/<int:cycle_id>/propose/", resident.propose, name="propose"),
    path("<str:gov>/<int:cycle_id>/vote/", ballot.vote, name="vote"),
    path("<str:gov>/<int:cycle_id>/my-vote/", ballot.my_vote, name="my_vote"),
    path("<str:gov>/<int:cycle_id>/results/", public.results, name="results"),
    path("<str:gov>/<int:cycle_id>/tracking/", public.tracking, name="tracking"),
]
