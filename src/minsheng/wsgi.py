import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
application = get_wsgi_application()

# gunicorn runs no system checks: a worker whose rate limits would not hold refuses to start.
from minsheng.core.checks import refuse_to_serve  # noqa: E402

refuse_to_serve()

# Import every view now rather than in the first request, then leave what start-up made (modules, classes, URL
# patterns: about 170,000 objects, all kept for the process's life) out of the garbage collector's full passes,
# each of which would otherwise scan them all: a pause of 40–150 ms on this
# two-core machine in whichever request sets one off (bench/server_pauses.py).
get_resolver().url_patterns  # noqa: B018
gc.freeze()
