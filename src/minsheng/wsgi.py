import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
application = get_wsgi_application()

# gunicorn runs no system checks: a worker whose rate limits would not hold refuses to start.
from minsheng.core.checks import refuse_to_serve  # noqa: E402

refuse_to_serve()
