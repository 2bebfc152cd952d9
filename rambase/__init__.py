"""The RamBase-compatible API (`/sales/opportunities`, `/sales/opportunity-stages`, the
read-only helpers and `/oauth2/access_token`) over the same rows, services and selectors as the
ONLYOFFICE API. Its wire format lives here once: formats (formats.py), request bodies
(body.py), errors (errors.py, exception_handler.py), ids (ids.py) and the one table from
domain names to RamBase names (names.py). The contract is ../shared/spec/rambase-api.md."""
