"""RamBase's numbered errors (contract §8) and the exception the RamBase layer raises for its
own refusals (bad query parameters, bodies, ids). Domain errors from the services are mapped
to these in exception_handler.py."""

from http import HTTPStatus

INVALID_VALUE = 990001
UNKNOWN_REFERENCE = 990002
MALFORMED_BODY = 990003
INVALID_PARAMETER = 990004
STAGE_IN_USE = 990005
UNAUTHORIZED = 990010
FORBIDDEN = 990011
NOT_FOUND = 990012
METHOD_NOT_ALLOWED = 990013
NOT_ACCEPTABLE = 990014
UNSUPPORTED_MEDIA_TYPE = 990015
TOO_MANY_SIGN_INS = 990016
BODY_TOO_LARGE = 990017
UNEXPECTED = 990099
SOURCE_NOT_FOUND = 105912
RESPONSIBLE_EMPTY = 105858

# id -> (HTTP status, the catalogue's message). The 9900xx ids are ours; the others are the
# seed's (RamBase's own page for POST sales/opportunities), listed by /system/error-messages
# whether or not this product ever returns them.
CATALOGUE: dict[int, tuple[int, str]] = {
    INVALID_VALUE: (400, "Invalid value."),
    UNKNOWN_REFERENCE: (400, "Unknown or invisible reference."),
    MALFORMED_BODY: (400, "Malformed request body, or an unknown or duplicate key."),
    INVALID_PARAMETER: (400, "Invalid query parameter or identifier."),
    STAGE_IN_USE: (400, "The opportunity stage is in use."),
    UNAUTHORIZED: (401, "Missing, invalid or expired access token."),
    FORBIDDEN: (403, "You are not allowed to do this."),
    NOT_FOUND: (404, "The resource could not be found."),
    METHOD_NOT_ALLOWED: (405, "The method is not allowed on this resource."),
    NOT_ACCEPTABLE: (406, "The requested format is not available."),
    UNSUPPORTED_MEDIA_TYPE: (415, "The request body's content type is not supported."),
    TOO_MANY_SIGN_INS: (429, "Too many failed sign-ins; try again later."),
    BODY_TOO_LARGE: (413, "The request body is too large."),
    UNEXPECTED: (500, "An unexpected error occurred."),
    SOURCE_NOT_FOUND: (400, "Source cannot be found"),
    RESPONSIBLE_EMPTY: (400, "Responsible cannot be empty."),
    101013: (404, "Sub-module not found"),
    105887: (404, "The cause not found."),
    106156: (400, "Department cannot be empty."),
    106155: (400, "OccuredAt cannot be empty."),
    105061: (400, "Private task cannot be part of a non-private process"),
    105062: (400, "Non-private task cannot be part of a private process"),
    105060: (
        400,
        "Private task can be added to a private process only if both were created by the same user",
    ),
    107952: (400, "You are not authorized to change status of this task"),
    108114: (400, "Only pre production tasks can be approved"),
    107327: (400, "You are not authorized to to approve or reject this task"),
    108882: (400, "Approver is required in this stage"),
    107367: (400, "Cannot close the task. Unchecked required checklist items remaining."),
}


def status_description(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


class RamBaseError(Exception):
    """A refusal in RamBase's words: the numbered error, the message naming the RamBase field
    or parameter at fault, and that name as the error's first parameter."""

    def __init__(
        self,
        error_id: int,
        message: str | None = None,
        *,
        parameter: str | None = None,
        headers: dict | None = None,
    ):
        self.error_id = error_id
        self.status, default = CATALOGUE[error_id]
        self.message = message or default
        self.parameter = parameter
        self.headers = headers or {}
        super().__init__(self.message)


def invalid_value(message: str, parameter: str | None = None) -> RamBaseError:
    return RamBaseError(INVALID_VALUE, message, parameter=parameter)


def invalid_parameter(message: str, parameter: str | None = None) -> RamBaseError:
    return RamBaseError(INVALID_PARAMETER, message, parameter=parameter)


def unknown_reference(message: str, parameter: str | None = None) -> RamBaseError:
    return RamBaseError(UNKNOWN_REFERENCE, message, parameter=parameter)


def malformed(message: str, parameter: str | None = None) -> RamBaseError:
    return RamBaseError(MALFORMED_BODY, message, parameter=parameter)


def not_found(message: str = "The resource could not be found.") -> RamBaseError:
    return RamBaseError(NOT_FOUND, message)
