"""SearchSelect: the choice among thousands (organisations, people, projects) that searches as one types.

A select listing every organisation of a city is megabytes of HTML and seconds of rendering. This widget renders
only the chosen row(s) as a text box of ids, which static/js/minsheng.js turns into a combobox asking the form's own
page for matches (`?choose=<field>&q=<text>`, answered by `search_reply`). The field keeps its queryset: it is both
what the search looks in and what the form accepts, so the search never offers a row the form would refuse, and an
id typed or sent from outside it is refused as before. Without scripts, the box takes the id(s) directly.
"""

import re

from django import forms
from django.db.models import Q
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _

SEARCH_PARAMETER = "choose"
MATCHES = 20
# What the typed text is looked for in, by kind of row.
ORGANISATION = ("name_zh", "name_en", "credit_code")
PERSON = ("name", "name_en")
PARTNER = ("name_zh", "name_en")
PROJECT = ("number", "title")
ACHIEVEMENT = ("title", "identifier")


class SearchSelect(forms.TextInput):
    """A ModelChoiceField's (or ModelMultipleChoiceField's, `multiple=True`) widget. `search` names the model
    fields the typed text is looked for in (contains, any of them); a number also matches the id."""

    template_name = "core/widgets/search_select.html"

    def __init__(self, search: tuple[str, ...], *, multiple: bool = False, attrs=None):
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", **(attrs or {})})
        self.search = search
        self.allow_multiple_selected = multiple
        self.choices = []

    def _ids(self, value) -> list[str]:
        if value in (None, ""):
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(v).strip() for item in values for v in str(item).split(",") if str(v).strip()]

    def format_value(self, value):
        return ", ".join(self._ids(value))

    def value_from_datadict(self, data, files, name):
        if self.allow_multiple_selected:
            # Several hidden inputs from the script, or one box of comma-separated ids without it.
            return self._ids(data.getlist(name) if hasattr(data, "getlist") else data.get(name))
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False if self.allow_multiple_selected else super().value_omitted_from_data(data, files, name)

    def chosen(self, value) -> list[tuple[str, str]]:
        """(id, label) of the chosen rows the field accepts: one query, whatever the size of the queryset."""
        ids = [i for i in self._ids(value) if i.isdigit()]
        field = getattr(self.choices, "field", None)
        if not ids or field is None:
            return []
        return [(str(obj.pk), field.label_from_instance(obj)) for obj in field.queryset.filter(pk__in=ids)]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update({
            "chosen": self.chosen(value), "multiple": self.allow_multiple_selected,
            "parameter": SEARCH_PARAMETER,
            "texts": {"placeholder": _("Type part of a name to search"), "none": _("No match"),
                      "remove": _("Remove"), "more": _("Only the first matches are shown; type more to narrow."),
                      "fallback": _("Without scripts: type the id (several ids separated by commas).")}})
        return context


def matches(field: forms.ModelChoiceField, text: str, limit: int = MATCHES) -> list[dict]:
    """At most `limit` rows of the field's own queryset whose search fields contain `text`."""
    text = text.strip()
    if not text:
        return []
    condition = Q()
    for lookup in field.widget.search:
        condition |= Q(**{f"{lookup}__icontains": text})
    if text.isdigit():
        condition |= Q(pk=int(text))
    rows = field.queryset.filter(condition)[:limit]
    return [{"id": obj.pk, "label": field.label_from_instance(obj)} for obj in rows]


def _field_named(name: str, parts) -> forms.Field | None:
    """The field behind an input's name: a form's own (`person`), or a formset row's (`team-0-person`, answered
    by the formset's empty form, built with the same arguments as every row)."""
    for part in parts:
        if isinstance(part, forms.BaseFormSet):
            row = re.fullmatch(rf"{re.escape(part.prefix)}-\d+-(\w+)", name)
            if row and row[1] in part.empty_form.fields:
                return part.empty_form.fields[row[1]]
        elif name in part.fields:
            return part.fields[name]
    return None


def search_reply(request, *parts: forms.BaseForm | forms.BaseFormSet) -> JsonResponse | None:
    """The answer to the form page's `?choose=<field>&q=<text>`, or None for the page itself. The view calls it
    after its permission check, with the forms (or row formsets) built for this user: the matches are what the
    form would accept."""
    name = request.GET.get(SEARCH_PARAMETER)
    if request.method != "GET" or name is None:
        return None
    field = _field_named(name, parts)
    if field is None or not isinstance(field.widget, SearchSelect) or field.disabled:
        return JsonResponse({"results": []}, status=404)
    results = matches(field, request.GET.get("q", "")[:100], MATCHES + 1)
    return JsonResponse({"results": results[:MATCHES], "more": len(results) > MATCHES})
