"""주민e참여 API: cycles, proposals, comments, votes (online with an Idempotency-Key; paper ballots entered by
officials), results with explanations, Q&A, identity checks and the annual report, and every step an official
takes on a screen (review, scores, shortlist, phases, the count and its overrides, adoption, the start of
execution) through the same actions. Members of the government only: everyone else gets 404."""

from ninja import Router

from . import adoption, ballots, cycles, follows, proposals, questions, report, residents, results, review

router = Router(tags=["participation"])
for topic in (cycles, proposals, ballots, results, questions, residents, report, review, adoption, follows):
    router.add_router("", topic.router)
