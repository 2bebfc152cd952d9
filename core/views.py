"""What a page does with a domain error it does not handle itself: one mapping for every page,
as the API has one exception handler."""

import functools

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404

from core.errors import AccessDenied, InvalidInput, NotFound


def domain_errors_as_http(view):
    """NotFound -> 404, AccessDenied -> 403, InvalidInput -> 400, each with the error's message.
    Views catch what they show in the page (a form error, a 409 conflict form) themselves."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from exc
        except InvalidInput as exc:
            raise BadRequest(exc.message) from exc

    return wrapper
