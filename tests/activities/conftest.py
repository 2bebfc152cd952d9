"""History and task tests reuse the API clients (a token in the Authorization header)."""

from tests.api.conftest import (  # noqa: F401
    admin_client,
    api_client,
    client_for,
    other_client,
    user_client,
)
