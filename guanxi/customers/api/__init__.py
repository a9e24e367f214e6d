from ninja import Router

from guanxi.customers.api.accounts import router as accounts_router
from guanxi.customers.api.activities import router as activities_router
from guanxi.customers.api.collaborators import add_collaborator_routes
from guanxi.customers.api.contacts import router as contacts_router
from guanxi.customers.selectors import accounts_visible_to, contacts_visible_to

add_collaborator_routes(contacts_router, "contact", contacts_visible_to)
add_collaborator_routes(accounts_router, "account", accounts_visible_to)

router = Router()
router.add_router("/contacts", contacts_router, tags=["contacts"])
router.add_router("/accounts", accounts_router, tags=["accounts"])
router.add_router("/activities", activities_router, tags=["activities"])

__all__ = ["router"]
