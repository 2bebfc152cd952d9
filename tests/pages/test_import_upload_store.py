"""The uploaded import file waits in the database (ImportUpload), not on one server's disk: the
import's steps work when each request lands on a server with its own temporary directory, a
token read by another user reads nothing, and abandoned uploads are swept."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from opportunities import import_store
from opportunities.import_parsing import MAX_BYTES
from opportunities.models import ImportUpload, Opportunity

pytestmark = pytest.mark.django_db

UPLOAD, MAP, PREVIEW, RUN = (
    reverse(f"opportunity_import{step}") for step in ("", "_map", "_preview", "_run")
)
CSV = b"External ID,Title,Stage,Amount,Currency\nS-1,Acme renewal,Proposal,1200,USD\n"
MAPPING = {"column_0": "external_id", "column_1": "title", "column_2": "stage"}


def csv_upload(name="deals.csv", data=CSV):
    return {"file": SimpleUploadedFile(name, data, content_type="text/csv")}


def upload(client, name="deals.csv", data=CSV) -> ImportUpload:
    response = client.post(UPLOAD, csv_upload(name, data))
    assert response.status_code == 302, response.content.decode()[:500]
    return ImportUpload.objects.get(token=client.session[import_store.SESSION_KEY]["token"])


def age(upload_row: ImportUpload, delta: timedelta) -> None:
    ImportUpload.objects.filter(pk=upload_row.pk).update(created_at=timezone.now() - delta)


@pytest.fixture
def on_server(monkeypatch, tmp_path):
    """Run the next request as if on another app server: each has its own temporary directory
    (containers without a shared /tmp)."""

    def switch(name: str):
        directory = tmp_path / name
        directory.mkdir(exist_ok=True)
        monkeypatch.setattr("tempfile.tempdir", str(directory))
        return directory

    return switch


def test_the_steps_work_when_each_lands_on_a_server_with_its_own_temporary_directory(
    signed_in, user, on_server
):
    server_a = on_server("a")
    stored = upload(signed_in)
    assert (stored.user, stored.filename, bytes(stored.data)) == (user, "deals.csv", CSV)

    server_b = on_server("b")
    assert signed_in.get(MAP).status_code == 200
    on_server("a")
    assert signed_in.post(MAP, MAPPING)["Location"] == PREVIEW
    on_server("b")
    preview = signed_in.get(PREVIEW)
    assert preview.status_code == 200
    assert preview.context["valid_count"] == 1
    assert ImportUpload.objects.filter(user=user).count() == 1

    on_server("a")
    outcome = signed_in.post(RUN, {"mode": "valid"}).context["outcome"]
    assert len(outcome.created) == 1
    assert list(Opportunity.objects.values_list("title", flat=True)) == ["Acme renewal"]
    assert not ImportUpload.objects.exists()
    assert import_store.SESSION_KEY not in signed_in.session
    assert not (server_a / "pipeline-imports").exists()
    assert not (server_b / "pipeline-imports").exists()


def test_the_stored_bytes_come_back_unchanged_up_to_the_size_limit(signed_in):
    data = bytes(range(256)) * (MAX_BYTES // 256)
    session = signed_in.session
    import_store.store_upload(session, data, filename="../../etc/big.csv")
    session.save()
    assert import_store.stored_upload(signed_in.session) == (data, "big.csv")


def test_another_user_with_the_token_reads_nothing_and_deletes_nothing(
    signed_in, other_client, user
):
    stored = upload(signed_in)
    signed_in.post(MAP, MAPPING)
    stolen = dict(signed_in.session[import_store.SESSION_KEY])
    session = other_client.session
    session[import_store.SESSION_KEY] = stolen
    session.save()

    assert import_store.stored_upload(other_client.session) is None
    assert other_client.get(MAP)["Location"] == UPLOAD
    assert other_client.get(PREVIEW)["Location"] == UPLOAD
    assert other_client.post(RUN, {"mode": "valid"})["Location"] == UPLOAD
    assert not Opportunity.objects.exists()
    # Uploading replaces the session's upload: the stolen token's row is not the stranger's.
    upload(other_client, name="theirs.csv")
    assert ImportUpload.objects.filter(pk=stored.pk, user=user).exists()

    assert len(signed_in.post(RUN, {"mode": "valid"}).context["outcome"].created) == 1
    assert list(ImportUpload.objects.values_list("filename", flat=True)) == ["theirs.csv"]


def test_a_second_upload_replaces_the_sessions_first(signed_in, user):
    first = upload(signed_in, name="first.csv")
    second = upload(signed_in, name="second.csv")
    assert second.token != first.token
    assert list(ImportUpload.objects.values_list("filename", flat=True)) == ["second.csv"]
    assert signed_in.get(MAP).context["filename"] == "second.csv"


def test_an_all_or_nothing_import_that_wrote_nothing_keeps_the_file_to_try_again(signed_in):
    stored = upload(signed_in, data=CSV + b"S-2,Globex pilot,No such stage,800,USD\n")
    signed_in.post(MAP, MAPPING)
    assert signed_in.post(RUN, {"mode": "all"}).context["outcome"].rolled_back
    assert ImportUpload.objects.filter(pk=stored.pk).exists()
    assert signed_in.get(PREVIEW).status_code == 200


def test_uploads_older_than_the_limit_are_swept_at_the_next_upload(
    signed_in, other_client, client_factory, third_user
):
    limit = timedelta(hours=import_store.IMPORT_FILE_HOURS)
    abandoned = upload(signed_in)
    age(abandoned, limit + timedelta(minutes=1))
    recent = upload(other_client)
    age(recent, limit - timedelta(minutes=5))

    third = client_factory()
    third.force_login(third_user)
    upload(third)
    assert not ImportUpload.objects.filter(pk=abandoned.pk).exists()
    assert ImportUpload.objects.filter(pk=recent.pk).exists()
    assert ImportUpload.objects.count() == 2


def test_an_upload_older_than_the_limit_is_not_read_back_before_the_sweep(signed_in):
    age(upload(signed_in), timedelta(hours=import_store.IMPORT_FILE_HOURS, minutes=1))
    assert signed_in.get(MAP)["Location"] == UPLOAD


def test_the_upload_goes_with_its_user(signed_in, user):
    upload(signed_in)
    user.delete()
    assert not ImportUpload.objects.exists()


def test_the_uploads_are_not_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/opportunities/importupload/").status_code == 404
    assert "importupload" not in client.get("/admin/").content.decode()
