"""`{% load activity_content %}` … `{{ event.content|sanitized }}`: an event's stored HTML made
safe to show (activities/content.py)."""

from django import template

from activities.content import content_as_html

register = template.Library()


@register.filter
def sanitized(content) -> str:
    return content_as_html(str(content or ""))
