from ninja import Router

from guanxi.customers.api.accounts import router as accounts_router
from guanxi.customers.api.activities import router as activities_router
from guanxi.customers.api.collaborators import add_collaborator_routes
from guanxi.customers.api.contacts import router as contacts_router
from guanxi.customers.api.custom_fields import router as custom_fields_router
from guanxi.customers.api.exports import router as exports_router
from guanxi.customers.api.merges import add_merge_routes, merges_router
from guanxi.customers.selectors import accounts_visible_to, contacts_visible_to

add_collaborator_routes(contacts_router, "contact", contacts_visible_to)
add_collaborator_routes(accounts_router, "account", accounts_visible_to)
add_merge_routes(contacts_router, "contact", contacts_visible_to)
add_merge_routes(accounts_router, "account", accounts_visible_to)

router = Router()
# Before the contacts and accounts routers: "/contacts/export" is not a "/contacts/{contact_id}".
router.add_router("", exports_router)
router.add_router("/contacts", contacts_router, tags=["contacts"])
router.add_router("/accounts", accounts_router, tags=["accounts"])
router.add_router("/activities", activities_router, tags=["activities"])
router.add_router("/custom-fields", custom_fields_router, tags=["custom fields"])
router.add_router("/merges", merges_router, tags=["duplicates"])

__all__ = ["router"]
