"""The IP register moved from /ip/ to /outcomes/, its app's name: old links and bookmarks are sent on for good."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_register_answers_under_outcomes():
    assert reverse("outcomes:list") == "/outcomes/"
    assert reverse("outcomes:detail", args=[7]) == "/outcomes/7/"


@pytest.mark.parametrize(("old", "new"), [
    ("/ip/", "/outcomes/"),
    ("/ip/7/edit/", "/outcomes/7/edit/"),
    ("/ip/export/?status=granted&q=%E4%B8%93%E5%88%A9", "/outcomes/export/?status=granted&q=%E4%B8%93%E5%88%A9"),
])
def test_an_old_address_moves_permanently_to_the_same_page(client, old, new):
    response = client.get(old)
    assert (response.status_code, response["Location"]) == (301, new)


def test_an_old_link_still_reaches_the_page(client):
    from minsheng.core.roles import Role
    from tests.factories import user_for_role
    client.force_login(user_for_role(Role.OFFICER, username="ip_reader"))
    response = client.get("/ip/", follow=True)
    assert response.redirect_chain == [("/outcomes/", 301)] and response.status_code == 200
