"""The assignment and ranking pages at a call's scale (issue 16): one page of 50 rows, filtered and sorted on the
server, summaries from aggregates over the whole call, queries that do not grow with the applications, swaps that
come back to the page they were made on, and a ranking export with every row."""

import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from minsheng.review import assignment as service
from minsheng.review.models import Assignment, AssignmentRun
from tests.factories.applications import copies
from tests.factories.review_work import accepted, review_world, submitted_review

pytestmark = pytest.mark.django_db
APPLICATION_ROW = re.compile(r'<tr data-ms-application="(\d+)"')
RANK_ROW = re.compile(r'<tr data-ms-rank-row="(\d+)"')


def _get(client, name, call, **params):
    response = client.get(reverse(name, kwargs={"call_pk": call.pk}), params)
    assert response.status_code == 200
    return response.content.decode()


def _chart(page, element_id):
    data = page[page.index(f'id="{element_id}"'):]
    return json.loads(data[data.index(">") + 1:data.index("</script>")])


@pytest.fixture
def reviewed():
    """A call whose applications each have three submitted reviews (one proposed pair left on the first)."""
    w = review_world(n_applications=1, n_experts=4, k=3)
    c1, c2 = (str(c.pk) for c in w.criteria)
    for j, marks in enumerate([(9, 8), (7, 7), (8, 6)]):
        submitted_review(accepted(w.applications[0], w.experts[j]), {c1: marks[0], c2: marks[1]})
    return w


def test_the_assignment_page_costs_the_same_queries_for_5_and_60_applications(client, reviewed,
                                                                               django_assert_max_num_queries):
    w = reviewed
    Assignment.objects.create(application=w.applications[0], expert=w.experts[3], state=Assignment.State.PROPOSED)
    AssignmentRun.objects.create(call=w.call, run_by=w.officer, complete=True)
    copies(w.applications[0], 4)
    client.force_login(w.officer)
    _get(client, "review:call_assignment", w.call)
    with CaptureQueriesContext(connection) as small:
        assert len(APPLICATION_ROW.findall(_get(client, "review:call_assignment", w.call))) == 5
    copies(w.applications[0], 55)
    with django_assert_max_num_queries(len(small)):
        page = _get(client, "review:call_assignment", w.call)
    assert len(APPLICATION_ROW.findall(page)) == 50 and 'data-ms-rows="60"' in page
    assert page.count("data-ms-swap=") == 50 and page.count('id="swap-expert"') == 1   # one expert list a page
    chart = _chart(page, "ms-assignment-chart")
    assert sum(n for _band, n in chart["distribution"]) == 60      # the chart counts the whole call
    assert re.search(r'data-ms-pair-count="completed">[^<]* 180<', page)


def test_the_assignment_page_filters_sorts_and_pages(client):
    w = review_world(n_applications=3, n_experts=4, k=2)
    service.run(w.call, by=w.officer)
    lonely = w.applications[2]
    Assignment.objects.filter(application=lonely).delete()
    weak = w.applications[1]
    Assignment.objects.filter(application=weak).update(affinity=0.01)
    client.force_login(w.officer)
    page = _get(client, "review:call_assignment", w.call, short="yes")
    assert APPLICATION_ROW.findall(page) == [str(lonely.pk)]
    assert "data-ms-short-count" in page
    assert APPLICATION_ROW.findall(_get(client, "review:call_assignment", w.call, sort="affinity"))[:2] == [
        str(lonely.pk), str(weak.pk)]
    assert str(lonely.pk) not in APPLICATION_ROW.findall(
        _get(client, "review:call_assignment", w.call, pair="proposed"))
    copies(w.applications[0], 55)
    second = _get(client, "review:call_assignment", w.call, page=2)
    assert len(APPLICATION_ROW.findall(second)) == 8 and "data-ms-previous" in second


def test_a_swap_from_a_later_page_comes_back_to_that_page(client):
    w = review_world(n_applications=1, n_experts=3, k=1)
    service.run(w.call, by=w.officer)
    pair = Assignment.objects.get()
    other = next(e for e in w.experts if e.pk != pair.expert_id)
    client.force_login(w.officer)
    page = _get(client, "review:call_assignment", w.call, q=w.applications[0].number)
    assert f'data-ms-swap="{pair.pk}"' in page and 'form="ms-swap"' in page
    url = reverse("review:assignment_swap", kwargs={"call_pk": w.call.pk, "pk": pair.pk})
    response = client.post(f"{url}?q={w.applications[0].number}", {"expert": other.pk})
    assert response.status_code == 302 and response["Location"].endswith(f"?q={w.applications[0].number}")
    assert Assignment.objects.get().expert_id == other.pk


def test_the_ranking_page_costs_the_same_queries_for_5_and_60_applications(client, reviewed,
                                                                            django_assert_max_num_queries):
    w = reviewed
    copies(w.applications[0], 4)
    client.force_login(w.officer)
    _get(client, "review:ranking", w.call)
    with CaptureQueriesContext(connection) as small:
        assert len(RANK_ROW.findall(_get(client, "review:ranking", w.call))) == 5
    copies(w.applications[0], 55)
    with django_assert_max_num_queries(len(small)):
        page = _get(client, "review:ranking", w.call)
    assert len(RANK_ROW.findall(page)) == 50 and 'data-ms-rows="60"' in page
    assert 'data-ms-summary-ranked>60<' in page
    assert sum(n for _band, n in _chart(page, "ms-ranking-chart")) == 60
    assert len(RANK_ROW.findall(_get(client, "review:ranking", w.call, page=2))) == 10


def test_the_ranking_filters_by_flag_and_sorts_by_score(client, reviewed):
    w = reviewed
    c1, c2 = (str(c.pk) for c in w.criteria)
    low, few = copies(w.applications[0], 2)
    for review in [a.review for a in Assignment.objects.filter(application=low)]:
        review.scores = {c1: 1, c2: 2}
        review.save(update_fields=["scores"])
    Assignment.objects.filter(application=few).first().review.delete()
    client.force_login(w.officer)
    assert RANK_ROW.findall(_get(client, "review:ranking", w.call, flag="few_reviews")) == [str(few.pk)]
    page = _get(client, "review:ranking", w.call, flag="few_reviews")
    assert 'data-ms-flag-count="few_reviews">1<' in page
    assert RANK_ROW.findall(_get(client, "review:ranking", w.call, sort="final"))[0] == str(low.pk)
    assert RANK_ROW.findall(_get(client, "review:ranking", w.call, sort="-final"))[-1] == str(low.pk)
    assert RANK_ROW.findall(_get(client, "review:ranking", w.call))[-1] == str(low.pk)     # rank order
    # nonsense is ignored, not an error
    assert len(RANK_ROW.findall(_get(client, "review:ranking", w.call, flag="x", sort="y", page="z"))) == 3


def test_the_ranking_export_keeps_every_row(client, reviewed, room_in_window):
    w = reviewed
    copies(w.applications[0], 59)
    client.force_login(w.officer)
    room_in_window(w.officer)
    response = client.get(reverse("review:ranking_export", kwargs={"call_pk": w.call.pk}), {"page": 2})
    numbers = {row[2] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2,
                                                                                               values_only=True)}
    assert len(numbers) == 60
