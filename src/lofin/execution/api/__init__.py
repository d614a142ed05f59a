"""The execution API: one router composed of the topic routers (lofin/api.py adds it)."""

from ninja import Router

from . import appropriations, commitments, imprest, offices, payments, resolutions, revenue, transfers, yearend

# No tags of its own: each topic router tags its operations "execution".
router = Router()
for topic in (appropriations, commitments, payments, revenue, transfers, yearend, imprest, resolutions, offices):
    router.add_router("", topic.router)
