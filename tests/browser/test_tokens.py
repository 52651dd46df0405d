"""API tokens: made on the profile page, shown exactly once, and revoked there too."""

import re

import pytest
from playwright.sync_api import expect

from homeroom.people.models import User

from .conftest import check_page, log_in

pytestmark = pytest.mark.browser


def test_a_token_is_shown_once_works_and_can_be_revoked(page, demo, live_server):
    log_in(page, "tech", next="/profile/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    tokens = page.get_by_role("region", name="API tokens")
    expect(tokens).to_contain_text("No tokens yet.")
    check_page(page, "profile")

    tokens.get_by_label("What is this token for?").fill("Inventory script")
    tokens.get_by_role("button", name="Create token").click()
    expect(page).to_have_url(re.compile(r"/profile/$"))
    expect(page.get_by_text("Created the API token “Inventory script”")).to_be_visible()
    revealed = page.get_by_label("Your new token")
    expect(revealed).to_have_value(re.compile(r"^\S{20,}$"))
    key = revealed.input_value()
    row = tokens.get_by_role("row", name=re.compile("Inventory script"))
    expect(row).to_contain_text("Active")
    check_page(page, "profile-new-token")

    # The key reaches the API as its owner, from a client that has no browser session.
    api = page.context.browser.new_context(base_url=live_server.url)
    try:
        me = api.request.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
        assert me.status == 200, me.text()
        assert me.json()["username"] == "tech"

        # Shown only once: a reload no longer has it.
        page.reload()
        expect(page.get_by_label("Your new token")).to_have_count(0)
        expect(page.get_by_text(key)).to_have_count(0)
        assert key not in page.content()
        expect(row).to_be_visible()
        check_page(page, "profile-tokens")

        row.get_by_role("button", name="Revoke Inventory script").click()
        expect(page.get_by_text("Revoked the API token “Inventory script”")).to_be_visible()
        expect(row).to_contain_text("Revoked")
        expect(row.get_by_role("button", name=re.compile("^Revoke"))).to_have_count(0)
        check_page(page, "profile-token-revoked")

        me = api.request.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
        assert me.status == 401, me.text()
    finally:
        api.close()
    assert not User.objects.get(username="tech").api_tokens.filter(revoked_at=None).exists()
