"""ONLYOFFICE routes accept an optional `.json`, `.xml` or `.tml` suffix on every path."""

from django.urls import re_path

SUFFIX = r"(?:\.(?P<format>json|xml|tml))?"


def route(pattern: str, view, name: str | None = None):
    """`route("opportunity/<int:opportunityid>", view)`: `<int:x>` is `[0-9]+` and `<str:x>` a
    path segment; the suffix and anchors are added."""
    regex = pattern
    for kind, expr in (("int", r"[0-9]+"), ("str", r"[^/.]+"), ("guid", r"[0-9a-fA-F-]{32,36}")):
        while f"<{kind}:" in regex:
            start = regex.index(f"<{kind}:")
            end = regex.index(">", start)
            key = regex[start + len(kind) + 2 : end]
            regex = regex[:start] + f"(?P<{key}>{expr})" + regex[end + 1 :]
    return re_path(rf"^{regex}{SUFFIX}$", view, name=name)
