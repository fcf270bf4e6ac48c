"""Template helpers for citing the policy: `{% load policy %}{% clause_badge "M19" %}`."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from minsheng.policy import queries

register = template.Library()


@register.simple_tag
def clause_badge(code):
    """The clause id as a badge linking to the clause, its title in the page's language as the tooltip."""
    item = queries.clause(code)
    if item is None:
        return format_html('<span class="ms-clause">{}</span>', code)
    return format_html('<a class="ms-clause text-decoration-none" href="{}" title="{}">{}</a>',
                       reverse("policy:clause_detail", args=[item.code]), item.title, item.code)


@register.filter
def paragraphs(text):
    """A text's paragraphs (one per line), blank lines dropped: `{% for p in text|paragraphs %}`."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
