"""An event's content is stored as sent and cleaned when shown (`{{ event.content|sanitized }}`):
hostile HTML loses its scripts, handlers and `javascript:` links; ordinary formatting stays."""

import pytest
from django.template import Context, Template

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="  javascript:alert(1)">click</a>',
    '<svg onload="alert(1)"><circle/></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div onclick="alert(1)">x</div>',
    "<object data=x></object><embed src=x>",
    '<form action="https://evil.example"><input name=a></form>',
    "<style>body{display:none}</style>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<<script>script>alert(1)<</script>/script>",
    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    "<!--<script>alert(1)</script>-->",
]


def render(content: str) -> str:
    template = Template("{% load activity_content %}{{ content|sanitized }}")
    return template.render(Context({"content": content}))


@pytest.mark.parametrize("content", HOSTILE)
def test_hostile_html_is_defused_when_shown(content):
    html = render(content).lower()

    for danger in (
        "<script",
        "onerror",
        "onload",
        "onclick",
        "javascript:",
        "<iframe",
        "<svg",
        "<object",
        "<embed",
        "<form",
        "<style",
        "style=",
        "data:text",
    ):
        assert danger not in html, (content, html)


def test_formatting_and_safe_links_are_kept():
    html = render(
        '<p>Call <b>Paula</b> <em>today</em>: <a href="https://acme.example/x">site</a></p>'
    )

    assert "<p>Call <b>Paula</b> <em>today</em>" in html
    assert 'href="https://acme.example/x"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_plain_text_is_escaped_and_keeps_its_line_breaks():
    html = render('Price > 5 & "final"\nCall back')

    assert html == "Price &gt; 5 &amp; &quot;final&quot;<br>Call back"


def test_empty_content_renders_nothing():
    assert render("") == ""
