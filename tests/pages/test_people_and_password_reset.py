import re

from accounts.api.authentication import token_issue
from tests.factories import OpportunityFactory


def test_colleague_profile_shows_their_visible_deals_when_signed_in(
    signed_in, other_user, third_user
):
    OpportunityFactory(title="Bob public deal", created_by=other_user)
    OpportunityFactory(title="Bob secret deal", created_by=other_user, access_list=[other_user])
    OpportunityFactory(title="Carol deal", created_by=third_user)

    response = signed_in.get(f"/accounts/people/{other_user.uuid}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Bob Baker" in page
    assert "Bob public deal" in page
    assert "Bob secret deal" not in page
    assert "Carol deal" not in page
    assert "Change password" not in page


def test_colleague_profile_is_404_when_the_guid_is_unknown(signed_in):
    response = signed_in.get("/accounts/people/4a515a15-d4d6-4b8e-828e-e0586f18f3a3/")

    assert response.status_code == 404


def test_colleague_profile_needs_sign_in_when_anonymous(client, other_user):
    response = client.get(f"/accounts/people/{other_user.uuid}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_api_profile_url_opens_the_profile_page_when_followed(client, user, other_user):
    token, _ = token_issue(user)
    employee = client.get(
        f"/api/2.0/people/{other_user.uuid}", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()["response"]
    client.force_login(user)

    response = client.get(employee["profileUrl"])

    assert response.status_code == 200
    assert "Bob Baker" in response.content.decode()


def test_password_reset_mails_a_link_that_sets_a_new_password_when_followed(
    client, user, mailoutbox
):
    login_page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password/reset/"' in login_page

    response = client.post("/accounts/password/reset/", {"email": user.email})

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/\S+/)", mailoutbox[0].body)
    assert link
    form_url = client.get(link.group(1)).url  # Django swaps the token for a session marker
    response = client.post(
        form_url, {"new_password1": "a-new-long-secret-9", "new_password2": "a-new-long-secret-9"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-new-long-secret-9")


def test_password_reset_sends_nothing_when_the_address_is_unknown(client, db, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})

    assert response.status_code == 302
    assert mailoutbox == []
