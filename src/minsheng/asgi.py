import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
application = get_asgi_application()

# ASGI servers run no system checks: a process whose rate limits would not hold refuses to start.
from minsheng.core.checks import refuse_to_serve  # noqa: E402

refuse_to_serve()
