"""The RamBase routes' own OpenAPI 3 document (a second schema beside the ONLYOFFICE one at
/api/schema/: the two wire formats share no envelope), written from the same tables the
routes use: the field names (names.py), the numbered errors (errors.py) and the list
parameters (listing.py). Served at /api/rambase/schema/, with Swagger UI from local static
files at /api/rambase/docs/."""

from rambase.errors import CATALOGUE
from rambase.filter_parser import MAX_LENGTH

INTEGER = {"type": "integer"}
NULLABLE_INTEGER = {"type": "integer", "nullable": True}
NULLABLE_STRING = {"type": "string", "nullable": True}
DATE = {"type": "string", "format": "date", "nullable": True, "example": "2026-06-30"}
DATETIME = {"type": "string", "example": "2026-03-10T09:15:42+01:00"}


def _object(properties: dict, required=(), description: str = "") -> dict:
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if description:
        schema["description"] = description
    return schema


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _employee_reference() -> dict:
    return _object(
        {
            "employeeId": {**NULLABLE_INTEGER, "minimum": 100, "description": "User.id + 100"},
            "lastName": NULLABLE_STRING,
            "firstName": NULLABLE_STRING,
            "employeeLink": NULLABLE_STRING,
        }
    )


SALES_OPPORTUNITY = _object(
    {
        "salesOpportunityId": {
            **INTEGER,
            "readOnly": True,
            "description": "Opportunity.id + 100000",
        },
        "status": {**NULLABLE_INTEGER, "description": "OpportunityStatus id (domain value)"},
        "title": {"type": "string", "minLength": 1, "maxLength": 255},
        "source": {**NULLABLE_INTEGER, "description": "LeadSource id (domain value)"},
        "expectedCloseDate": DATE,
        "probability": {**INTEGER, "minimum": 0, "maximum": 100},
        "opportunityStageChangedAt": {**DATETIME, "readOnly": True},
        "opportunityStatusChangedDate": {**DATE, "readOnly": True},
        "createdAt": {**DATETIME, "readOnly": True},
        "currency": {"type": "string", "description": "ISO 4217; default the base currency"},
        "value": _object(
            {
                "unweightedAmount": {**INTEGER, "minimum": 0, "description": "ONLYOFFICE bidValue"},
                "weightedAmount": {**INTEGER, "readOnly": True},
                "oneTimeRevenueAmount": {**INTEGER, "minimum": 0},
                "recurringRevenueAmount": {**INTEGER, "minimum": 0, "description": "monthly"},
                "contractMonths": {**INTEGER, "minimum": 0},
            },
            description="Amounts are written as integers, rounded half up; input takes decimals.",
        ),
        "contact": _object(
            {
                "contactId": {**NULLABLE_INTEGER, "minimum": 10000},
                "firstName": NULLABLE_STRING,
                "lastName": NULLABLE_STRING,
                "contactLink": NULLABLE_STRING,
            }
        ),
        "customer": _object(
            {
                "customerId": {**NULLABLE_INTEGER, "minimum": 10000},
                "name": NULLABLE_STRING,
                "firstName": NULLABLE_STRING,
                "salesDistrict": NULLABLE_STRING,
                "marketSegment": NULLABLE_STRING,
                "customerLink": NULLABLE_STRING,
            }
        ),
        "owner": _employee_reference(),
        "assignee": _employee_reference(),
        "opportunityStage": _object(
            {
                "opportunityStageId": {**INTEGER, "minimum": 100000},
                "name": {"type": "string", "readOnly": True},
                "probability": {**INTEGER, "readOnly": True},
                "daysBeforeWarning": {**NULLABLE_INTEGER, "readOnly": True},
                "opportunityStageLink": {"type": "string", "readOnly": True},
            }
        ),
        "customFields": {
            "type": "object",
            "additionalProperties": True,
            "description": "With $showCustomFields=true: name (from the label) -> value.",
        },
    },
    description="XML uses the same fields in PascalCase under <SalesOpportunity>.",
)
OPPORTUNITY_STAGE = _object(
    {
        "opportunityStageId": {**INTEGER, "readOnly": True, "description": "Stage.id + 100000"},
        "name": {"type": "string", "minLength": 1, "maxLength": 255},
        "probability": {**INTEGER, "minimum": 0, "maximum": 100, "description": "POST default 100"},
        "daysBeforeWarning": {**NULLABLE_INTEGER, "minimum": 0},
        "sortIndex": INTEGER,
    }
)
PAGING = _object(
    {
        "position": INTEGER,
        "page": INTEGER,
        "size": INTEGER,
        "totalCount": NULLABLE_INTEGER,
        "firstPage": NULLABLE_STRING,
        "previousPage": NULLABLE_STRING,
        "nextPage": NULLABLE_STRING,
        "lastPage": NULLABLE_STRING,
        "nextPageKey": NULLABLE_STRING,
    }
)
ERROR = _object(
    {
        "httpStatusCode": INTEGER,
        "httpStatusDescription": {"type": "string"},
        "message": {"type": "string"},
        "translatedMessage": {"type": "string"},
        "errorMessage": _object(
            {"errorMessageId": INTEGER, "errorMessageLink": {"type": "string"}}
        ),
        "parameters": {
            "type": "array",
            "items": _object({"index": INTEGER, "value": {"type": "string"}}),
        },
        "innerErrors": {"type": "array", "items": {"type": "object"}},
    },
    description="RamBase's flat error body (XML: <Error>). Numbered errors: "
    + "; ".join(f"{number} ({status}) {text}" for number, (status, text) in CATALOGUE.items()),
)
SCHEMAS = {
    "SalesOpportunity": SALES_OPPORTUNITY,
    "SalesOpportunityResource": _object({"salesOpportunity": _ref("SalesOpportunity")}),
    "SalesOpportunityList": _object(
        {
            "salesOpportunities": {"type": "array", "items": _ref("SalesOpportunity")},
            "paging": _ref("Paging"),
        }
    ),
    "OpportunityStage": OPPORTUNITY_STAGE,
    "OpportunityStageResource": _object({"opportunityStage": _ref("OpportunityStage")}),
    "OpportunityStageList": _object(
        {
            "opportunityStages": {"type": "array", "items": _ref("OpportunityStage")},
            "paging": _ref("Paging"),
        }
    ),
    "Paging": PAGING,
    "Error": ERROR,
    "DomainValueList": _object(
        {
            "domainValues": {
                "type": "array",
                "items": _object(
                    {"key": {}, "description": {"type": "string"}, "priority": INTEGER}
                ),
            },
            "paging": _ref("Paging"),
        }
    ),
    "Employee": _object(
        {
            "employee": _object(
                {
                    "employeeId": INTEGER,
                    "firstName": NULLABLE_STRING,
                    "lastName": NULLABLE_STRING,
                    "guid": {"type": "string", "format": "uuid"},
                    "employeeLink": {"type": "string"},
                }
            )
        }
    ),
    "Contact": _object(
        {
            "contact": _object(
                {
                    "contactId": INTEGER,
                    "firstName": NULLABLE_STRING,
                    "lastName": NULLABLE_STRING,
                    "contactLink": {"type": "string"},
                }
            )
        }
    ),
    "Customer": _object(
        {
            "customer": _object(
                {
                    "customerId": INTEGER,
                    "name": NULLABLE_STRING,
                    "firstName": NULLABLE_STRING,
                    "customerLink": {"type": "string"},
                }
            )
        }
    ),
    "ErrorMessage": _object(
        {
            "errorMessage": _object(
                {
                    "errorMessageId": INTEGER,
                    "httpStatusCode": INTEGER,
                    "message": {"type": "string"},
                    "errorMessageLink": {"type": "string"},
                }
            )
        }
    ),
    "AccessToken": _object(
        {
            "access_token": {"type": "string"},
            "token_type": {"type": "string", "enum": ["Bearer"]},
            "expires_in": {**INTEGER, "description": "API_TOKEN_TTL_DAYS x 86400"},
            "is_target_test_system": {"type": "boolean"},
        }
    ),
    "OAuthError": _object(
        {
            "error": {
                "type": "string",
                "enum": ["invalid_request", "invalid_grant", "unsupported_grant_type"],
            },
            "error_description": {"type": "string"},
            "error_code": INTEGER,
            "message": {"type": "string"},
            "otp_required": {"type": "boolean"},
        }
    ),
}


def _parameter(name: str, description: str, schema=None, where: str = "query") -> dict:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema or {"type": "string"},
    }


FORMAT = _parameter("$format", "json (default), jsonstream or xml; else the Accept header")
COMMON = [
    FORMAT,
    _parameter("$lang", "Accepted and ignored"),
]
LIST = [
    _parameter("$top", "Page size: default 10, at most 80 ($max)"),
    _parameter("$skip", "Offset", {"type": "integer", "minimum": 0}),
    _parameter("$pageKey", "paging.nextPageKey of the previous page (overrides $skip)"),
    _parameter("$inlinecount", "allpages fills paging.totalCount", {"enum": ["allpages", "none"]}),
    _parameter("$orderby", "Field [asc|desc], comma-separated, at most 4"),
    _parameter("$select", "Field names or dotted paths; the id is always included"),
    _parameter(
        "$filter",
        "OData subset: eq ne lt le gt ge in, startswith endswith substringof, and/or, "
        f"parentheses, 'quoted text', dates '2026-06-30', null; at most {MAX_LENGTH} characters",
    ),
]
OPPORTUNITY_OPTIONS = [
    _parameter("$showCustomFields", "true adds customFields", {"type": "boolean"}),
    _parameter("$showDomainDescriptions", "true adds statusDescription, …", {"type": "boolean"}),
]


def _content(schema_name: str) -> dict:
    return {
        "application/json": {"schema": _ref(schema_name)},
        "application/xml": {"schema": _ref(schema_name)},
    }


def _errors(*statuses: int) -> dict:
    return {
        str(status): {"description": f"RamBase error body ({status})", "content": _content("Error")}
        for status in sorted({400, 401, *statuses})
    }


def _operation(summary, tag, *, ok=200, body=None, response=None, parameters=(), errors=()):
    operation = {
        "summary": summary,
        "tags": [tag],
        "operationId": f"rambase_{summary.lower().replace(' ', '_').replace('-', '_')}",
        "parameters": [*COMMON, *parameters],
        "responses": {
            str(ok): {"description": "OK", **({"content": _content(response)} if response else {})},
            **_errors(*errors),
        },
    }
    if body:
        operation["requestBody"] = {"required": True, "content": _content(body)}
    return operation


def _id(name: str) -> dict:
    return _parameter(name, "RamBase id", {"type": "integer"}, "path")


def rambase_openapi() -> dict:
    opp, stage, helper = "RamBase: sales opportunities", "RamBase: stages", "RamBase: helpers"
    opp_id, stage_id = _id("salesOpportunityId"), _id("opportunityStageId")
    paths = {
        "/sales/opportunities": {
            "get": _operation(
                "List sales opportunities", opp, response="SalesOpportunityList",
                parameters=[*LIST, *OPPORTUNITY_OPTIONS],
            ),
            "post": _operation(
                "Create a sales opportunity", opp, ok=201, body="SalesOpportunityResource",
                response="SalesOpportunityResource", parameters=OPPORTUNITY_OPTIONS,
            ),
        },
        "/sales/opportunities/{salesOpportunityId}": {
            "get": _operation(
                "Get a sales opportunity", opp, response="SalesOpportunityResource",
                parameters=[opp_id, *OPPORTUNITY_OPTIONS], errors=(404,),
            ),
            "put": _operation(
                "Update a sales opportunity", opp, body="SalesOpportunityResource",
                response="SalesOpportunityResource", parameters=[opp_id, *OPPORTUNITY_OPTIONS],
                errors=(403, 404),
            ),
            "delete": _operation(
                "Delete a sales opportunity", opp, ok=204, parameters=[opp_id], errors=(404,)
            ),
        },
        "/sales/opportunity-stages": {
            "get": _operation(
                "List opportunity stages", stage, response="OpportunityStageList", parameters=LIST
            ),
            "post": _operation(
                "Create an opportunity stage", stage, ok=201, body="OpportunityStageResource",
                response="OpportunityStageResource", errors=(403,),
            ),
        },
        "/sales/opportunity-stages/{opportunityStageId}": {
            "get": _operation(
                "Get an opportunity stage", stage, response="OpportunityStageResource",
                parameters=[stage_id], errors=(404,),
            ),
            "put": _operation(
                "Update an opportunity stage", stage, body="OpportunityStageResource",
                response="OpportunityStageResource", parameters=[stage_id], errors=(403, 404),
            ),
            "delete": _operation(
                "Delete an opportunity stage", stage, ok=204, parameters=[stage_id],
                errors=(403, 404),
            ),
        },
        "/system/domain-values/applicable-values": {
            "get": _operation(
                "List domain values", helper, response="DomainValueList",
                parameters=[
                    _parameter("object", "SalesOpportunity or OPT"),
                    _parameter("field", "Source, Status or Currency"),
                    *LIST,
                ],
            )
        },
        "/human-resources/employees/{employeeId}": {
            "get": _operation(
                "Get an employee", helper, response="Employee", parameters=[_id("employeeId")],
                errors=(404,),
            )
        },
        "/collaboration/contacts/{contactId}": {
            "get": _operation(
                "Get a contact", helper, response="Contact", parameters=[_id("contactId")],
                errors=(404,),
            )
        },
        "/sales/customers/{customerId}": {
            "get": _operation(
                "Get a customer", helper, response="Customer", parameters=[_id("customerId")],
                errors=(404,),
            )
        },
        "/system/error-messages/{errorMessageId}": {
            "get": _operation(
                "Get an error message", helper, response="ErrorMessage",
                parameters=[_id("errorMessageId")], errors=(404,),
            )
        },
    }  # fmt: skip
    paths["/human-resources/employees"] = {
        "get": {
            **_operation("List employees", helper, parameters=LIST),
            "responses": {"200": {"description": "employees and paging"}, **_errors()},
        }
    }
    paths["/oauth2/access_token"] = {
        "post": {
            "summary": "Get an access token",
            "tags": ["RamBase: authentication"],
            "operationId": "rambase_access_token",
            "security": [],
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": _object(
                            {
                                "grant_type": {"type": "string", "enum": ["password"]},
                                "username": {"type": "string"},
                                "password": {"type": "string"},
                            },
                            required=("grant_type", "username", "password"),
                        )
                    }
                },
            },
            "responses": {
                "200": {
                    "description": "The product's API token, valid on both APIs",
                    "content": {"application/json": {"schema": _ref("AccessToken")}},
                },
                "400": {
                    "description": "Refused grant",
                    "content": {"application/json": {"schema": _ref("OAuthError")}},
                },
                "429": {"description": "Too many failed sign-ins", "content": _content("Error")},
            },
        }
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Pipeline CRM: RamBase-compatible API",
            "version": "1.0",
            "description": (
                "RamBase's sales opportunities and stages on the same rows as the ONLYOFFICE "
                "API. JSON is lowerCamel, XML PascalCase; `$format` or `Accept` chooses. "
                "Ids carry fixed offsets (opportunity and stage +100000, contact +10000, "
                "employee +100)."
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"accessToken": []}],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "accessToken": {"type": "apiKey", "in": "query", "name": "$access_token"},
            },
        },
    }
