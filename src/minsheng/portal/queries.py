from minsheng.policy.models import Clause, Domain
from minsheng.registry.models import CooperationPartner, InnovationCarrier, Organisation


def headline_figures() -> dict:
    """The public counts on the home page: only aggregate figures, no personal data."""
    return {
        "measures": Clause.objects.count(),
        "domains": Domain.objects.count(),
        "organisations": Organisation.objects.filter(state=Organisation.State.VERIFIED).count(),
        "carriers": InnovationCarrier.objects.count(),
        "partners": CooperationPartner.objects.count(),
    }
