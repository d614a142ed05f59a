"""Budget formulation API: the twin of every budget screen. Confirmed budgets are public; versions being
prepared are for the government's officials only."""

from ninja import Router

from . import adjustment, confirmation, council, performance, requests, revenue, versions

router = Router(tags=["budget"])
# Fixed addresses first: /budget/{code}/{year} (versions) would otherwise take /budget/departments/submit.
router.add_router("", requests.router)
router.add_router("", performance.router)
router.add_router("", revenue.router)
router.add_router("", adjustment.router)
router.add_router("", council.router)
router.add_router("", confirmation.router)
router.add_router("", versions.router)
