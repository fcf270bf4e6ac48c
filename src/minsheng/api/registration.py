"""Each app that has an API lists its viewsets in `api.py` as ROUTES = [(prefix, viewset, basename)]."""

from importlib import import_module

API_APPS = ["minsheng.policy", "minsheng.registry"]


def register_all(router) -> None:
    for app in API_APPS:
        module = import_module(f"{app}.api")
        for prefix, viewset, basename in module.ROUTES:
            router.register(prefix, viewset, basename=basename)
