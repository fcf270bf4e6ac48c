"""What a tranche request cites as its basis (M17), filled in by the apps above contracts.

contracts does not know the apps that record a project's mid-term check or acceptance (they import contracts, not
the reverse), so they register here, in their AppConfig.ready, a provider per tranche condition: a function of the
project that returns the basis as text (stored as the request's basis) or raises ValidationError naming what is
missing. A condition without a provider keeps the written basis the officer types.
"""

from collections.abc import Callable

MIDTERM = "midterm"
ACCEPTANCE = "acceptance"

# condition → provider(project) -> str
PROVIDERS: dict[str, Callable] = {}


def applies(tranche) -> bool:
    """Whether the tranche's basis comes from a recorded step rather than the officer's words: a mid-term tranche
    of a project whose call holds a mid-term check."""
    if tranche.condition not in PROVIDERS:
        return False
    if tranche.condition == MIDTERM:
        return bool(tranche.project.call.midterm_check)
    return True


def basis(tranche) -> str:
    return PROVIDERS[tranche.condition](tranche.project)
