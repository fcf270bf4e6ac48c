"""Each API module lists its viewsets as ROUTES = [(prefix, viewset, basename)]; API_MODULES names them."""

from importlib import import_module

API_MODULES = ["minsheng.policy.api", "minsheng.registry.api", "minsheng.problems.api", "minsheng.outcomes.api",
               "minsheng.calls.api", "minsheng.applications.api", "minsheng.checks.api",
               "minsheng.review.work_api", "minsheng.funding.api", "minsheng.contracts.api",
               "minsheng.projects.api", "minsheng.notifications.api"]


def register_all(router) -> None:
    for name in API_MODULES:
        module = import_module(name)
        for prefix, viewset, basename in module.ROUTES:
            router.register(prefix, viewset, basename=basename)
