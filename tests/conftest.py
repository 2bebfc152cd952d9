import pytest

from core.models import Currency
from tests.factories import (
    DEFAULT_PASSWORD,
    AdminUserFactory,
    CompanyFactory,
    OpportunityFactory,
    PersonFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """PBKDF2's deliberate slowness costs a few tenths of a second per user; tests need none."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def password():
    return DEFAULT_PASSWORD


@pytest.fixture
def user(db):
    return UserFactory(username="alice", first_name="Alice", last_name="Archer")


@pytest.fixture
def other_user(db):
    return UserFactory(username="bob", first_name="Bob", last_name="Baker")


@pytest.fixture
def third_user(db):
    return UserFactory(username="carol", first_name="Carol", last_name="Cole")


@pytest.fixture
def responsible_user(db):
    return UserFactory(username="dave", first_name="Dave", last_name="Dunn")


@pytest.fixture
def guest(db):
    """A guest (ONLYOFFICE's visitor): signs in, reads people, has no CRM access."""
    return UserFactory(username="gus", first_name="Gus", last_name="Guest", is_visitor=True)


@pytest.fixture
def admin_user(db):
    return AdminUserFactory(username="root", first_name="Ada", last_name="Admin")


@pytest.fixture
def person(user):
    return PersonFactory(first_name="Paula", last_name="Person", created_by=user)


@pytest.fixture
def company(user):
    return CompanyFactory(company_name="Acme Corp", created_by=user)


@pytest.fixture
def opportunity(user):
    return OpportunityFactory(title="Public deal", created_by=user)


@pytest.fixture
def private_opportunity(user):
    """Private opportunity created by `user`, with only `user` on its access list."""
    return OpportunityFactory(title="Secret deal", created_by=user, access_list=[user])


@pytest.fixture
def base_currency(db):
    return Currency.objects.get(is_basic=True)


@pytest.fixture
def eur(db):
    return Currency.objects.get(pk="EUR")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Sign-in failures are counted in the cache (django-axes); a fresh cache per test keeps
    the suite from ever tripping the limits (and keeps tests independent)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def shared_cache(settings, tmp_path):
    """A cache every process shares, as Redis is in production: opportunity counts are
    cached only in such a cache (`core/counts_cache.py`), never in the per-process
    local memory of the default settings. A file cache needs no server."""
    from django.core.cache import cache

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "shared-cache"),
        }
    }
    yield cache
    cache.clear()


@pytest.fixture
def reference_data(transactional_db):
    """A transactional test empties every table when it ends, the currencies and stages the
    migrations created included: put them back for tests that need them."""
    from importlib import import_module

    from django.apps import apps

    from core.models import Currency

    if not Currency.objects.exists():
        import_module("core.migrations.0002_load_iso_currencies").load_currencies(apps, None)
        import_module(
            "opportunities.migrations.0002_default_stages_sources_statuses"
        ).create_defaults(apps, None)
        import_module("opportunities.migrations.0010_default_lost_reasons").load(apps, None)
        import_module("activities.migrations.0002_default_categories").load(apps, None)
