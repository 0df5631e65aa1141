"""Open API for work orders (业主吹哨、支部报到): /api/v1/workorders, /api/v1/workorder-categories.

Reads go through the same scoped selectors as the pages; every verb is one POST that calls the
very same service as the order page (`apps.workorders.services`), so the API never allows more
than the user could do on the pages. Refusals come from the services and `policy.check`:
outside the scope 404, wrong role 403, wrong state or a broken rule 400, a lost compare-and-set
(or a stale `version` in the body) 409.

Photos: intake over the API is JSON without photos (the hotline rarely has any; Open311's
`media_url` is kept as a link in the description); `resolve` is multipart/form-data so that
evidence photos can be attached as `photos` files.
"""

from apps.workorders.api import reads, writes  # noqa: F401 - registers the operations
from apps.workorders.api.common import router

__all__ = ["router"]
