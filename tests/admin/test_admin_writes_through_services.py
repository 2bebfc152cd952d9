"""Point 8 of the hardening issue: the admin writes through the services, so the same rules,
history, access clean-up and notifications apply as on the API and the pages. Through the
Django admin with the test client, asserting the database afterwards."""

from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from contacts.models import ContactUserObjectPermission
from opportunities.models import (
    Opportunity,
    OpportunityCustomFieldValue,
    OpportunityMember,
    OpportunityUserObjectPermission,
    StageChange,
)
from opportunities.selectors import opportunity_access_user_ids, opportunity_list_visible_to
from tests.factories import (
    CustomFieldFactory,
    OpportunityFactory,
    PersonFactory,
    default_stage,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_browser(client, admin_user):
    client.force_login(admin_user)
    return client


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def add_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def changelist_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def read_version(browser, opportunity) -> dict:
    """The hidden version fields of the change form, as a browser would send them back."""
    form = browser.get(change_url(opportunity)).context["adminform"].form
    return {"version": form["version"].value(), "read_values": form["read_values"].value()}


def form_data(opportunity, *, members=(), custom=(), **changes):
    data = {
        "title": opportunity.title,
        "description": opportunity.description,
        "stage": opportunity.stage_id,
        "success_probability": opportunity.success_probability,
        "bid_value": str(opportunity.bid_value),
        "bid_currency": opportunity.bid_currency_id,
        "bid_type": opportunity.bid_type,
        "per_period_value": opportunity.per_period_value,
        "one_time_revenue": str(opportunity.one_time_revenue),
        "recurring_revenue": str(opportunity.recurring_revenue),
        "contract_months": opportunity.contract_months,
        "responsible": opportunity.responsible_id or "",
        "owner": opportunity.owner_id or "",
        "opportunitymember_set-TOTAL_FORMS": len(members),
        "opportunitymember_set-INITIAL_FORMS": 0,
        "custom_values-TOTAL_FORMS": len(custom),
        "custom_values-INITIAL_FORMS": 0,
        "stage_changes-TOTAL_FORMS": 0,
        "stage_changes-INITIAL_FORMS": 0,
    }
    if opportunity.pk and opportunity.is_private:
        data["is_private"] = "on"
        data["access_list"] = [str(pk) for pk in sorted(opportunity_access_user_ids(opportunity))]
    for index, contact in enumerate(members):
        data[f"opportunitymember_set-{index}-contact"] = contact.pk
    for index, (field, value) in enumerate(custom):
        data[f"custom_values-{index}-field"] = field.pk
        data[f"custom_values-{index}-value"] = value
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_deal_made_public_in_admin_has_no_access_rows_left(
    admin_browser, user, other_user, third_user
):
    deal = OpportunityFactory(created_by=user, access_list=[user, other_user, third_user])
    data = form_data(deal)
    del data["is_private"], data["access_list"]

    response = admin_browser.post(change_url(deal), data)

    assert response.status_code == 302
    deal.refresh_from_db()
    assert not deal.is_private
    assert not OpportunityUserObjectPermission.objects.filter(content_object=deal).exists()


def test_access_list_change_in_admin_notifies_when_notify_is_checked(
    admin_browser, user, other_user, django_capture_on_commit_callbacks
):
    deal = OpportunityFactory(title="Quiet deal", created_by=user, access_list=[user])
    data = form_data(deal, access_list=[str(user.pk), str(other_user.pk)], notify="on")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_browser.post(change_url(deal), data)

    assert response.status_code == 302
    assert other_user.pk in opportunity_access_user_ids(deal)
    assert opportunity_list_visible_to(user=other_user).filter(pk=deal.pk).exists()
    assert [message.to for message in mail.outbox] == [[other_user.email]]
    assert "Quiet deal" in mail.outbox[0].subject


def test_access_list_change_in_admin_sends_nothing_when_notify_is_unchecked(
    admin_browser, user, other_user, django_capture_on_commit_callbacks
):
    deal = OpportunityFactory(created_by=user, access_list=[user])
    data = form_data(deal, access_list=[str(user.pk), str(other_user.pk)])
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_browser.post(change_url(deal), data).status_code == 302
    assert other_user.pk in opportunity_access_user_ids(deal)
    assert mail.outbox == []


def test_private_deal_created_in_admin_gets_its_access_list_and_first_history_row(
    admin_browser, admin_user, other_user, django_capture_on_commit_callbacks
):
    proposal = default_stage("Proposal")
    template = Opportunity(
        title="Admin secret",
        stage=proposal,
        success_probability=0,
        bid_value=Decimal("5"),
        bid_currency_id="USD",
        responsible=admin_user,
        owner=admin_user,
    )
    data = form_data(template, is_private="on", access_list=[str(other_user.pk)], notify="on")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_browser.post(add_url(Opportunity), data)

    assert response.status_code == 302
    created = Opportunity.objects.get(title="Admin secret")
    assert created.is_private and created.created_by == admin_user
    assert created.success_probability == proposal.success_probability
    assert opportunity_access_user_ids(created) == {admin_user.pk, other_user.pk}
    change = StageChange.objects.get(opportunity=created)
    assert (change.from_stage, change.to_stage, change.changed_by) == (None, proposal, admin_user)
    assert [message.to for message in mail.outbox] == [[other_user.email]]


def test_stage_change_in_admin_writes_history_and_raises_the_version(
    admin_browser, admin_user, opportunity
):
    negotiations = default_stage("Negotiations")
    before = opportunity.version
    response = admin_browser.post(
        change_url(opportunity), form_data(opportunity, stage=negotiations.pk)
    )
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.stage == negotiations and opportunity.success_probability == 90
    assert opportunity.version == before + 1
    row = StageChange.objects.get(opportunity=opportunity)
    assert (row.to_stage, row.changed_by) == (negotiations, admin_user)


def test_admin_may_hand_a_private_deal_to_someone_who_then_sees_it(admin_browser, user, third_user):
    deal = OpportunityFactory(created_by=user, access_list=[user])
    response = admin_browser.post(change_url(deal), form_data(deal, responsible=third_user.pk))
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.responsible == third_user and deal.is_private
    assert opportunity_list_visible_to(user=third_user).filter(pk=deal.pk).exists()


def test_participants_inline_goes_through_the_service(admin_browser, user, opportunity):
    person = PersonFactory(created_by=user)
    before = opportunity.version
    response = admin_browser.post(change_url(opportunity), form_data(opportunity, members=[person]))
    assert response.status_code == 302
    assert OpportunityMember.objects.filter(opportunity=opportunity, contact=person).exists()
    opportunity.refresh_from_db()
    assert opportunity.version == before + 1


def test_custom_value_inline_is_refused_with_a_form_error_when_the_service_refuses_it(
    admin_browser, opportunity
):
    field = CustomFieldFactory(label="Budget owner", mask='{"size": 10}')
    data = form_data(opportunity, custom=[(field, "Much longer than ten")], title="Renamed")

    response = admin_browser.post(change_url(opportunity), data)

    assert response.status_code == 200
    assert "takes at most 10 characters" in response.content.decode()
    assert not OpportunityCustomFieldValue.objects.filter(opportunity=opportunity).exists()
    opportunity.refresh_from_db()
    assert opportunity.title != "Renamed"  # the whole save was rolled back
    # the typed values are kept in the form shown again
    assert response.context["adminform"].form["title"].value() == "Renamed"


def test_custom_value_inline_is_stored_normalized_when_valid(admin_browser, opportunity):
    field = CustomFieldFactory(label="Budget owner", mask='{"size": 10}')
    response = admin_browser.post(
        change_url(opportunity), form_data(opportunity, custom=[(field, "  Ann  ")])
    )
    assert response.status_code == 302
    assert OpportunityCustomFieldValue.objects.get(opportunity=opportunity).value == "Ann"


def test_stale_admin_change_form_writes_nothing_and_shows_what_changed(
    admin_browser, other_user, opportunity
):
    stale = {**form_data(opportunity), **read_version(admin_browser, opportunity)}
    negotiations = default_stage("Negotiations")
    other = Client()
    other.force_login(other_user)
    assert (
        other.post(f"/opportunities/{opportunity.pk}/move/", {"stage": negotiations.pk}).status_code
        == 302
    )

    response = admin_browser.post(change_url(opportunity), {**stale, "description": "admin notes"})

    assert response.status_code == 409
    opportunity.refresh_from_db()
    assert opportunity.stage == negotiations and opportunity.description == ""
    html = response.content.decode()
    assert "nothing was saved" in html and "Stage: now “Negotiations”" in html
    form = response.context["adminform"].form
    assert form["description"].value() == "admin notes"
    assert str(form["stage"].value()) == str(negotiations.pk)
    assert int(form["version"].value()) == opportunity.version

    again = admin_browser.post(
        change_url(opportunity),
        {
            **form_data(opportunity, description="admin notes"),
            "version": form["version"].value(),
            "read_values": form["read_values"].value(),
        },
    )
    assert again.status_code == 302
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.description) == (negotiations, "admin notes")


def test_admin_bulk_delete_goes_through_the_service(admin_browser, user):
    deals = [OpportunityFactory(created_by=user) for _ in range(3)]
    response = admin_browser.post(
        changelist_url(Opportunity),
        {
            "action": "delete_selected",
            "_selected_action": [str(d.pk) for d in deals[:2]],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert list(Opportunity.objects.values_list("pk", flat=True)) == [deals[2].pk]


def test_admin_delete_view_deletes_through_the_service(admin_browser, private_opportunity):
    opts = Opportunity._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[private_opportunity.pk])
    response = admin_browser.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Opportunity.objects.filter(pk=private_opportunity.pk).exists()
    # in the trash, its access list kept for a restore
    trashed = Opportunity.all_objects.get(pk=private_opportunity.pk)
    assert trashed.deleted_at is not None and trashed.deletion_batch is not None
    assert OpportunityUserObjectPermission.objects.filter(content_object=trashed).exists()


def test_stage_in_use_is_not_deleted_and_the_admin_is_told(admin_browser, opportunity):
    stage = opportunity.stage
    opts = stage._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[stage.pk])
    response = admin_browser.post(url, {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert type(stage).objects.filter(pk=stage.pk).exists()


def test_stage_created_in_admin_goes_last_unless_a_sort_order_is_given(admin_browser):
    from opportunities.models import Stage

    def post(title, sort_order):
        data = {
            "title": f"  {title}  ",
            "description": "",
            "color": "#123456",
            "sort_order": sort_order,
            "success_probability": 5,
            "stage_type": 0,
            "days_before_warning": "",
        }
        response = admin_browser.post(add_url(Stage), data)
        assert response.status_code == 302
        return Stage.objects.get(title=title)

    last = post("Wrap-up", 0)  # the default sort order: the service puts it last
    assert list(Stage.objects.order_by("sort_order", "id"))[-1] == last
    before = list(Stage.objects.order_by("sort_order", "id"))
    first = post("Discovery", -1)  # before every other stage
    ordered = list(Stage.objects.order_by("sort_order", "id"))
    assert ordered == [first, *before]
    assert [s.sort_order for s in ordered] == list(range(len(ordered)))


# -- contacts ------------------------------------------------------------------------------------


def _contact_data(contact, **changes):
    data = {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "job_title": contact.job_title,
        "company_name": contact.company_name,
        "about": contact.about,
        "industry": contact.industry,
        "email": contact.email,
        "phone": contact.phone,
        "share_type": contact.share_type,
        "custom_values-TOTAL_FORMS": 0,
        "custom_values-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def test_contact_made_public_in_admin_has_no_access_rows_left(admin_browser, user, other_user):
    person = PersonFactory(created_by=user, access_list=[user, other_user])
    response = admin_browser.post(change_url(person), _contact_data(person))
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.is_private
    assert not ContactUserObjectPermission.objects.filter(content_object=person).exists()


def test_contact_created_in_admin_goes_through_the_service(admin_browser, admin_user):
    response = admin_browser.post(
        add_url(PersonFactory._meta.model),
        {
            "is_company": "",
            **_contact_data(PersonFactory.build(first_name="Ann", last_name="Lee", email="bad")),
        },
    )
    assert response.status_code == 200  # the e-mail is refused by the form or the service
    response = admin_browser.post(
        add_url(PersonFactory._meta.model),
        _contact_data(
            PersonFactory.build(first_name=" Ann ", last_name="Lee", email="ann@example.com")
        ),
    )
    assert response.status_code == 302
    created = PersonFactory._meta.model.objects.get(last_name="Lee")
    assert (created.first_name, created.created_by) == ("Ann", admin_user)


# -- shared settings -----------------------------------------------------------------------------


def test_custom_field_with_a_bad_mask_is_refused_by_the_service_in_admin(admin_browser):
    from core.models import CustomFieldDefinition, FieldType

    response = admin_browser.post(
        add_url(CustomFieldDefinition),
        {
            "entity_type": "opportunity",
            "label": "Colour",
            "field_type": FieldType.SELECT_BOX,
            "position": 1,
            "mask": "not a list",
        },
    )
    assert response.status_code == 200
    assert not CustomFieldDefinition.objects.filter(label="Colour").exists()
    assert response.context["adminform"].form.errors


def test_opportunity_tag_deleted_in_admin_raises_the_versions_of_its_deals(admin_browser, user):
    from tests.factories import TagFactory

    tag = TagFactory(title="hot")
    deal = OpportunityFactory(created_by=user, tags=[tag])
    before = deal.version
    opts = tag._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[tag.pk])
    assert admin_browser.post(url, {"post": "yes"}).status_code == 302
    deal.refresh_from_db()
    assert not deal.tags.exists() and deal.version == before + 1


def test_exchange_rate_is_set_through_the_service_in_admin(admin_browser):
    from core.models import ExchangeRate

    response = admin_browser.post(
        add_url(ExchangeRate), {"from_currency": "EUR", "to_currency": "USD", "rate": "1.2"}
    )
    assert response.status_code == 302
    assert ExchangeRate.objects.get(from_currency="EUR", to_currency="USD").rate == Decimal("1.2")


def test_stage_list_edits_go_through_stage_update_and_stage_reorder(admin_browser):
    from opportunities.models import Stage

    stages = list(Stage.objects.order_by("sort_order", "id"))
    data = {
        "form-TOTAL_FORMS": len(stages),
        "form-INITIAL_FORMS": len(stages),
        "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 1000,
        "_save": "Save",
    }
    for index, stage in enumerate(stages):
        data[f"form-{index}-id"] = stage.pk
        data[f"form-{index}-sort_order"] = stage.sort_order
        data[f"form-{index}-success_probability"] = stage.success_probability
        data[f"form-{index}-days_before_warning"] = stage.days_before_warning or ""
    last = stages[-1]
    data[f"form-{len(stages) - 1}-sort_order"] = stages[0].sort_order  # to the front
    data["form-0-success_probability"] = 7

    response = admin_browser.post(changelist_url(Stage), data)

    assert response.status_code == 302
    ordered = list(Stage.objects.order_by("sort_order", "id"))
    assert ordered[0] == last
    assert [s.sort_order for s in ordered] == list(range(len(stages)))
    assert Stage.objects.get(pk=stages[0].pk).success_probability == 7
