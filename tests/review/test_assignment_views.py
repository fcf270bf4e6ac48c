"""The officer's assignment pages: the calls list with honest counts, the quality section and its chart data, the
solver's explanation, a refused conflicted swap with its reason."""

import json

import pytest
from django.urls import reverse

from minsheng.review import assignment as service
from minsheng.review.models import Assignment, AvoidanceRequest
from tests.factories import PersonFactory
from tests.factories.review import ExpertProfileFactory
from tests.factories.review_work import review_world

pytestmark = pytest.mark.django_db


def test_calls_list_counts_passed_applications_and_live_assignments(client):
    w = review_world(n_applications=3, n_experts=4, k=2)
    service.run(w.call, by=w.officer)
    client.force_login(w.officer)
    page = client.get(reverse("review:assignment_calls")).content.decode()
    row = page[page.index(f'data-ms-call="{w.call.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "<td>3</td>" in row and "<td>6</td>" in row


def test_assignment_page_shows_quality_chart_data_and_why_a_proposal_is_short(client,
                                                                             django_capture_on_commit_callbacks):
    w = review_world(n_applications=2, n_experts=2, k=2)
    for expert in w.experts:
        AvoidanceRequest.objects.create(application=w.applications[0], person=expert.person, reason="竞争",
                                        requested_by=w.applications[0].created_by)
    client.force_login(w.officer)
    with django_capture_on_commit_callbacks(execute=True):     # the run's job (at once in the tests)
        response = client.post(reverse("review:assignment_run", kwargs={"call_pk": w.call.pk}))
    assert response.status_code == 302
    page = client.get(reverse("review:call_assignment", kwargs={"call_pk": w.call.pk})).content.decode()
    assert f'data-ms-short="{w.applications[0].number}"' in page
    assert 'data-ms-conflicts-avoided>2<' in page
    data = page[page.index('id="ms-assignment-chart"'):]
    chart = json.loads(data[data.index(">") + 1:data.index("</script>")])
    assert sorted(chart["histogram"]) == [[0, 0], [1, 2]]     # no expert idle, both at one
    # applications per band of affinity: both counted once, whatever the size of the call
    assert sum(n for _band, n in chart["distribution"]) == 2 and len(chart["distribution"]) == service.BANDS


def test_a_conflicted_swap_is_refused_on_the_page_with_its_reason(client):
    w = review_world(n_applications=1, n_experts=2, k=1)
    service.run(w.call, by=w.officer)
    pair = Assignment.objects.get()
    colleague = ExpertProfileFactory(person=PersonFactory(organisation=w.applications[0].organisation))
    client.force_login(w.officer)
    response = client.post(reverse("review:assignment_swap", kwargs={"call_pk": w.call.pk, "pk": pair.pk}),
                           {"expert": colleague.pk}, follow=True)
    assert "申报单位" in response.content.decode() or "applicant organisation" in response.content.decode()
    assert Assignment.objects.get().expert_id == pair.expert_id
