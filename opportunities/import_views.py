"""The import pages: upload a file, map its columns, preview the rows, import
(opportunities/import_services.py does the work; docs/import_export.md, "Import").

The uploaded file waits in opportunities/import_store.py (a database row, ImportUpload, keyed
in the session: every app server reads it) until the import runs or another file is uploaded."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.views import domain_errors_as_http
from opportunities import import_store
from opportunities.import_fields import IMPORT_FIELDS, guess_mapping, is_rambase_header
from opportunities.import_parsing import (
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_ROWS,
    ImportFileError,
    ParsedFile,
    parse_import_file,
)
from opportunities.import_services import (
    import_mapping_remembered,
    import_mapping_save,
    import_preview,
    import_require_access,
    opportunities_import,
)


def _stored(request: HttpRequest) -> tuple[ParsedFile, str] | None:
    stored = import_store.stored_upload(request.session)
    if stored is None:
        return None
    data, filename = stored
    try:
        return parse_import_file(data, filename=filename), filename
    except ImportFileError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def import_upload(request: HttpRequest) -> HttpResponse:
    import_require_access(request.user)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = "Choose a CSV or XLSX file."
        elif upload.size > MAX_BYTES:
            error = f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB."
        else:
            data = upload.read()
            try:
                parse_import_file(data, filename=upload.name)
            except ImportFileError as exc:
                error = str(exc)
            else:
                import_store.store_upload(request.session, data, filename=upload.name)
                return redirect("opportunity_import_map")
    limits = {"rows": MAX_ROWS, "columns": MAX_COLUMNS, "megabytes": MAX_BYTES // (1024 * 1024)}
    return render(
        request,
        "opportunities/import_upload.html",
        {"error": error, "limits": limits},
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def import_map(request: HttpRequest) -> HttpResponse:
    import_require_access(request.user)
    stored = _stored(request)
    if stored is None:
        return redirect("opportunity_import")
    parsed, filename = stored
    if request.method == "POST":
        chosen = [request.POST.get(f"column_{i}", "") for i in range(len(parsed.header))]
        chosen = [name if name in IMPORT_FIELDS else "" for name in chosen]
        import_mapping_save(user=request.user, header_key=parsed.header_key, fields=chosen)
        import_store.store_mapping(request.session, chosen)
        return redirect("opportunity_import_preview")
    remembered = import_mapping_remembered(user=request.user, header_key=parsed.header_key)
    mapping = remembered if remembered and len(remembered) == len(parsed.header) else None
    mapping = mapping or guess_mapping(parsed.header)
    columns = [
        {"index": i, "name": name, "field": mapping[i], "sample": parsed.rows[0][i]}
        for i, name in enumerate(parsed.header)
    ]
    return render(
        request,
        "opportunities/import_map.html",
        {
            "columns": columns,
            "fields": IMPORT_FIELDS.items(),
            "filename": filename,
            "parsed": parsed,
            "remembered": bool(remembered),
            "rambase": is_rambase_header(parsed.header),
        },
    )


@login_required
@require_http_methods(["GET"])
@domain_errors_as_http
def import_preview_page(request: HttpRequest) -> HttpResponse:
    import_require_access(request.user)
    stored = _stored(request)
    mapping = import_store.stored_mapping(request.session)
    if stored is None or mapping is None:
        return redirect("opportunity_import")
    parsed, filename = stored
    rows = import_preview(user=request.user, parsed=parsed, mapping=mapping)
    mapped = [(IMPORT_FIELDS[name], name) for name in IMPORT_FIELDS if name in mapping]
    return render(
        request,
        "opportunities/import_preview.html",
        {
            "rows": [(row, [row.cells.get(name, "") for _, name in mapped]) for row in rows],
            "mapped": mapped,
            "filename": filename,
            "error_count": sum(1 for row in rows if row.errors),
            "valid_count": sum(1 for row in rows if not row.errors),
        },
    )


@login_required
@require_POST
@domain_errors_as_http
def import_run(request: HttpRequest) -> HttpResponse:
    import_require_access(request.user)
    stored = _stored(request)
    mapping = import_store.stored_mapping(request.session)
    if stored is None or mapping is None:
        return redirect("opportunity_import")
    parsed, filename = stored
    outcome = opportunities_import(
        user=request.user,
        parsed=parsed,
        mapping=mapping,
        all_or_nothing=request.POST.get("mode") == "all",
        filename=filename,
    )
    if not outcome.rolled_back:
        import_store.discard_upload(request.session)
    return render(
        request,
        "opportunities/import_done.html",
        {"outcome": outcome, "filename": filename},
        status=200,
    )
