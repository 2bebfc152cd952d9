"""Sections that higher apps plug into the opportunity page.

opportunities may not import the apps above it (activities: the timeline of notes, tasks and
changes), so those apps register a section here when they are ready (`AppConfig.ready`) and
the page renders every registered section, in registration order, below the deal's facts.

A section is `fn(request, opportunity) -> str`: the HTML of one `<section>`, rendered for
`request.user`, who may read `opportunity` (the page checked it first). It reads what it needs
itself, through its own selectors."""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from opportunities.models import Opportunity

OpportunitySection = Callable[[HttpRequest, Opportunity], str]

_sections: list[OpportunitySection] = []


def register_opportunity_section(fn: OpportunitySection) -> OpportunitySection:
    """Add `fn` to the opportunity page (once, however often it is registered); returns `fn`,
    so it may be used as a decorator."""
    if fn not in _sections:
        _sections.append(fn)
    return fn


def opportunity_sections_render(request: HttpRequest, opportunity: Opportunity) -> list[SafeString]:
    """The HTML of every registered section, in order. A section's HTML is trusted: it comes
    from a template that escapes what people wrote."""
    return [mark_safe(fn(request, opportunity)) for fn in _sections]
