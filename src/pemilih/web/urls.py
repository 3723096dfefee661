"""Every URL of the application, gathered from the view modules (each with its access rule)."""
from pemilih.web.views import (
                               accounts,
                               agreements,
                               audit,
                               ballots,
                               coklit,
                               core,
                               dashboard,
                               documents,
                               election,
                               handback,
                               public,
                               resolve,
                               response_forms,
                               review,
                               tps_places,
                               upload,
                               voters,
                               worker,
)

urlpatterns = [
    *core.routes,
    *public.routes,
    *voters.routes,
    *resolve.routes,
    *accounts.routes,
    *audit.routes,
    *agreements.routes,
    *upload.routes,
    *review.routes,
    *coklit.routes,
    *election.routes,
    *tps_places.routes,
    *ballots.routes,
    *response_forms.routes,
    *handback.routes,
    *documents.routes,
    *dashboard.routes,
    *worker.routes,
]

handler404 = "pemilih.web.views.core.not_found"
