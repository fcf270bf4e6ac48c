"""Picking in a search-as-you-type choice (core/widgets.py SearchSelect) as a person does: type part of the name or
number in the labelled box, click the suggestion that shows it."""

from playwright.sync_api import expect


def pick(page, field: str, typed: str) -> None:
    choice = page.locator(f"[data-ms-search-select={field}]")
    choice.get_by_role("combobox").fill(typed)
    choice.get_by_role("option").filter(has_text=typed).first.click()
    expect(choice.locator("[data-ms-chosen]")).to_contain_text(typed)
