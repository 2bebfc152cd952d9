"""WSGI entry point for the load phase: the product on the bench database, DEBUG off.

gunicorn is started with DATABASE_URL pointing at the bench database (see bench/load.py)."""

import os

from bench.database import configure_django

configure_django(os.environ["DATABASE_URL"], cache_url=os.environ.get("CACHE_URL", "locmem://"))
# A server keeps its connections (DATABASE_CONN_MAX_AGE), as the production settings do.
from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

settings.DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))
application = get_wsgi_application()
