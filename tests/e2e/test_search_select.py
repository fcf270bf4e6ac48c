"""The search-as-you-type choice in a real browser, as an officer uses it: types part of a name in the labelled box,
moves to the suggestion with the keyboard, picks it, sends the form and reads the result."""

import pytest
from playwright.sync_api import expect

from minsheng.core.roles import Role
from minsheng.review.models import ExpertProfile
from tests.e2e.test_foundation import sign_in
from tests.factories import OrganisationFactory, PersonFactory, user_for_role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_officer_finds_a_person_by_part_of_the_name_and_invites_them(page):
    PersonFactory.create_batch(30)                                       # the page lists none of them
    wanted = PersonFactory(name="欧阳明远", organisation=OrganisationFactory(name_zh="深圳市海岸带研究院"))
    PersonFactory(name="欧阳晓", organisation=wanted.organisation)
    officer = user_for_role(Role.OFFICER, username="e2e_search_officer")
    sign_in(page, officer.username)
    page.goto("/review/experts/invite/")
    box = page.get_by_role("combobox", name="人员")
    box.fill("明远")
    suggestion = page.get_by_role("option", name="欧阳明远（深圳市海岸带研究院）")
    expect(suggestion).to_be_visible()
    expect(page.get_by_role("option")).to_have_count(1)
    box.press("ArrowDown")
    expect(suggestion).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(page.locator("[data-ms-chosen]")).to_contain_text("欧阳明远")
    page.locator("form[data-ms-invite-form] button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("欧阳明远")
    assert ExpertProfile.objects.get(person=wanted).state == ExpertProfile.State.INVITED
