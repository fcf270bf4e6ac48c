"""What a list page costs built on django-filter and django-tables2, against the project's own listing module.

    python -m venv /tmp/lists-venv && /tmp/lists-venv/bin/pip install -e .[dev] django-filter django-tables2
    /tmp/lists-venv/bin/python bench/lists.py [--rows 3000] [--rounds 20]

The registry's organisation list (search over four fields, four filters, the verification facet with counts, six
sort keys, 25 rows a page, a district officer starting on the district) is served twice on the same rows, as a
government officer, for the same sequence of requests:

1. the project's list page (core.listing: parse, apply with the facet counts, the shared core/list.html);
2. a prototype of the same page: a django-filter FilterSet (the search as a method filter, the facet counts
   computed by hand over the FilterSet's queryset without the facet's own filter) and a django-tables2 Table
   (sorting, pagination, the bootstrap5-responsive template), rendered inside the same base template.

Checks that both show the same rows in the same order with the same facet counts, then prints the queries and
the time per request, for the rendered page and for the data alone (the rows of the page and the facet counts,
no template), and the ratio prototype/project measured in the same run. Never passes or fails on time. The two
libraries are not dependencies of the project (docs/decisions.md says why): the bench runs where they are installed.
"""

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

REQUESTS = [
    {},
    {"q": "科技"},
    {"q": "科技 有限"},
    {"state": "verified"},
    {"district": "D1", "sort": "-updated"},
    {"kind": "enterprise", "size": "small", "sort": "credit_code"},
    {"page": "7"},
    {"sort": "-district", "page": "3"},
    {"q": "9144", "state": "pending"},
    {"state": "not-a-state", "sort": "not-a-key"},
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    if not all(importlib.util.find_spec(name) for name in ("django_filters", "django_tables2")):
        sys.exit("bench/lists.py compares against django-filter and django-tables2: install them in a separate "
                 "virtualenv first (see the docstring).")

    workdir = tempfile.mkdtemp(prefix="minsheng-bench-")
    os.environ.setdefault("MINSHENG_VAR", workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")
    from django.conf import settings

    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "django_filters", "django_tables2"]
    # The pages are rendered without collectstatic, as in the tests.
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    import django

    django.setup()
    import random
    import re

    from django.core.management import call_command
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from minsheng.accounts.models import User
    from minsheng.core.identifiers import make_credit_code
    from minsheng.policy.models import District
    from minsheng.registry import views
    from minsheng.registry.models import Organisation

    creation = connection.creation
    test_db = creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        call_command("migrate", verbosity=0)
        rng = random.Random(1)
        officer = User.objects.create_user("bench_officer", "bench@example.cn", role="officer")
        districts = list(District.objects.all())
        words = ["科技", "有限", "研究院", "智能", "生物", "材料", "电子", "医疗"]
        kinds = [value for value, _label in Organisation.Kind.choices]
        states = [value for value, _label in Organisation.State.choices]
        sizes = [value for value, _label in Organisation.Size.choices]
        Organisation.objects.bulk_create([
            Organisation(credit_code=make_credit_code(rng),
                         name_zh=f"深圳{rng.choice(words)}{rng.choice(words)}单位{i:05d}", name_en=f"Unit {i}",
                         kind=rng.choice(kinds), state=rng.choice(states), size=rng.choice(sizes),
                         address=f"深圳市{rng.choice(words)}路{i}号", district=rng.choice(districts))
            for i in range(args.rows)])
        for params in REQUESTS:
            if params.get("district") == "D1":
                params["district"] = districts[0].code

        prototype, prototype_rows = _prototype()
        pages = {"project": views.list_view, "prototype": prototype}
        data = {"project": _project_rows, "prototype": prototype_rows}
        factory = RequestFactory()
        rows = re.compile(r'data-ms-row="(\d+)"|<tr[^>]*data-pk="(\d+)"')

        def timed(view, params):
            request = factory.get("/registry/organisations/", params)
            request.user = officer
            request.session = {}
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                result = view(request, kind=views.ORGANISATION)
                elapsed = time.perf_counter() - started
            return elapsed, len(captured), result

        def serve(view, params):
            request = factory.get("/registry/organisations/", params)
            request.user = officer
            request.session = {}
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = view(request, kind=views.ORGANISATION)
                elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.status_code
            shown = [a or b for a, b in rows.findall(response.content.decode())]
            return elapsed, len(captured), shown

        with translation.override("zh-hans"):
            for params in REQUESTS:       # same rows, same order, same counts: the prototype is the same list
                _t, _q, ours = serve(pages["project"], params)
                _t, _q, theirs = serve(pages["prototype"], params)
                assert ours == theirs, (params, ours[:5], theirs[:5])
                assert timed(data["project"], params)[2] == timed(data["prototype"], params)[2], params
            totals = {(part, name): 0.0 for part in ("page", "data") for name in pages}
            queries = dict.fromkeys(totals, 0)
            for _round in range(args.rounds):
                for params in REQUESTS:
                    for name in pages:
                        elapsed, count, _shown = serve(pages[name], params)
                        totals["page", name] += elapsed
                        queries["page", name] = max(queries["page", name], count)
                        elapsed, count, _rows = timed(data[name], params)
                        totals["data", name] += elapsed
                        queries["data", name] = max(queries["data", name], count)

        served = args.rounds * len(REQUESTS)
        print(f"database: {connection.vendor} ({test_db}); {args.rows} organisations; {served} requests each")
        for part, heading, labels in (
                ("page", "the page, rendered", ("core.listing + core/list.html", "django-filter + django-tables2")),
                ("data", "the rows and the facet counts only", ("core.listing", "django-filter FilterSet"))):
            print(f"{heading}:")
            for name, label in zip(pages, labels, strict=True):
                print(f"  {label:32s} {totals[part, name] / served * 1000:7.2f} ms, "
                      f"at most {queries[part, name]} queries")
            print(f"  ratio prototype/project: {totals[part, 'prototype'] / totals[part, 'project']:.2f}")
    finally:
        creation.destroy_test_db(test_db, verbosity=0)


def _prototype():
    """The organisation list on django-filter and django-tables2: everything the project's page does, with the
    libraries doing what they can and hand-written code for the rest (marked CUSTOM)."""
    import django_filters
    import django_tables2 as tables
    from django.db.models import Count, Q
    from django.http import HttpResponse
    from django.template import engines
    from django.utils.translation import gettext_lazy as _

    from minsheng.core.listing import PAGE_SIZE
    from minsheng.policy.queries import district_choices
    from minsheng.registry import queries
    from minsheng.registry.models import Organisation
    from minsheng.registry.views import _district_default

    class OrganisationFilter(django_filters.FilterSet):
        q = django_filters.CharFilter(method="search", label=_("Search"))
        kind = django_filters.ChoiceFilter(field_name="kind", choices=Organisation.Kind.choices, label=_("type"))
        district = django_filters.ChoiceFilter(field_name="district__code", choices=district_choices,
                                               label=_("district"))
        state = django_filters.ChoiceFilter(field_name="state", choices=Organisation.State.choices,
                                            label=_("verification"))
        size = django_filters.ChoiceFilter(field_name="size", choices=Organisation.Size.choices, label=_("size"))

        class Meta:
            model = Organisation
            fields = []

        def search(self, queryset, name, value):
            # CUSTOM: several fields, at most five terms each matched somewhere, the text cut (not refused) at 100.
            for term in " ".join(value.split())[:100].split()[:5]:
                condition = Q()
                for field in ("name_zh", "name_en", "credit_code", "address"):
                    condition |= Q(**{f"{field}__icontains": term})
                queryset = queryset.filter(condition)
            return queryset

    class OrganisationTable(tables.Table):
        name = tables.Column(verbose_name=_("Name"), accessor="name", order_by=("name_zh", "pk"),
                             linkify=("registry:organisation_detail", [tables.A("pk")]))
        credit_code = tables.Column(verbose_name=_("unified social credit code"), order_by=("credit_code", "pk"))
        kind = tables.Column(verbose_name=_("type"), order_by=("kind", "pk"))
        district = tables.Column(verbose_name=_("district"), order_by=("district__order", "pk"), default="—")
        state = tables.TemplateColumn(verbose_name=_("verification"), order_by=("state", "pk"),
                                      template_code='{% include "registry/_state.html" with organisation=record %}')
        updated = tables.DateColumn(verbose_name=_("updated"), accessor="updated_at", format="Y-m-d",
                                    order_by=("updated_at", "pk"))

        class Meta:
            template_name = "django_tables2/bootstrap5-responsive.html"
            row_attrs = {"data-pk": lambda record: record.pk}
            order_by = ("name",)

    template = engines["django"].from_string(
        "{% extends 'base.html' %}{% load django_tables2 %}{% block content %}"
        "<form method='get'>{% for field in filter.form %}{{ field.label_tag }}{{ field }}{% endfor %}</form>"
        "<ul>{% for value, count in counts.items %}<li>{{ value }} ({{ count }})</li>{% endfor %}</ul>"
        "{% render_table table %}{% endblock %}")

    def data_of(request):
        user = request.user
        data = request.GET.copy()
        for name, value in (_district_default(user) or {}).items():   # CUSTOM: an officer starts on the district
            data.setdefault(name, value)
        filterset = OrganisationFilter(data, queryset=queries.organisations_for(user))
        # CUSTOM: the facet counts, over the rows the other filters leave.
        unfaceted = data.copy()
        unfaceted.pop("state", None)
        base = OrganisationFilter(unfaceted, queryset=queries.organisations_for(user).order_by()).qs
        counts = {row["state"]: row["n"] for row in base.values("state").annotate(n=Count("pk")).order_by()}
        table = OrganisationTable(filterset.qs)
        tables.RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
        return filterset, counts, table

    def view(request, kind):
        filterset, counts, table = data_of(request)
        return HttpResponse(template.render({"filter": filterset, "table": table, "counts": counts}, request))

    def rows(request, kind):
        _filterset, counts, table = data_of(request)
        return [str(row.record.pk) for row in table.page.object_list], counts

    return view, rows


def _project_rows(request, kind):
    """The project's list without the template: the state, the facet counts and the page's rows."""
    from minsheng.core import listing
    from minsheng.registry.views import _list_state

    state = _list_state(request, kind)
    page = listing.page_of(request, listing.apply(kind.scope(request.user), state, with_counts=True))
    return [str(obj.pk) for obj in page.object_list], state.counts


if __name__ == "__main__":
    main()
