"""An event's content as a page shows it: stored as sent (clients send HTML), cleaned through an
allow-list when rendered (decision 8), with nh3 (the Rust `ammonia` sanitizer)."""

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "li", "ol", "p", "pre", "s", "span", "strike", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def content_as_html(content: str) -> SafeString:
    """Safe HTML of `content`: plain text (no tag) is escaped with its line breaks kept;
    HTML keeps only the allowed tags and attributes (no scripts, styles, event handlers or
    `javascript:` links; links open with rel="noopener noreferrer nofollow")."""
    content = content or ""
    if "<" not in content:
        lines = escape(content).replace("\r\n", "\n").replace("\r", "\n")
        return mark_safe(lines.replace("\n", "<br>"))  # noqa: S308 - escaped just before
    cleaned = nh3.clean(
        content,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - the allow-list's output
