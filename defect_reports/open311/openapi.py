"""The OpenAPI 3 description of the Open311 API, published at /open311/v2/openapi.json and
fuzzed by the test suite. Every resource exists as .json and .xml; the JSON variants carry
the response schemas, the XML ones the same data as the specification's XML."""

from ..questions import DATATYPES
from . import services

STRING = {"type": "string"}
PHONE_PATTERN = r"^[+()\d][\d\s()/\-.]{4,38}$"
NULLABLE_STRING = {"type": "string", "nullable": True}
FORMATS = ("json", "xml")


def _array(item):
    return {"type": "array", "items": item}


def _object(properties, required=None):
    return {
        "type": "object",
        "properties": properties,
        "required": required if required is not None else list(properties),
    }


SCHEMAS = {
    "Error": _object({"code": {"type": "integer"}, "description": STRING}),
    "Errors": _array({"$ref": "#/components/schemas/Error"}),
    "Discovery": _object(
        {
            "changeset": STRING,
            "contact": STRING,
            "key_service": STRING,
            "endpoints": _array(
                _object(
                    {
                        "specification": STRING,
                        "url": STRING,
                        "changeset": STRING,
                        "type": {"type": "string", "enum": ["production", "test"]},
                        "formats": _array(STRING),
                    }
                )
            ),
        }
    ),
    "Service": _object(
        {
            "service_code": STRING,
            "service_name": STRING,
            "description": STRING,
            "metadata": {"type": "boolean"},
            "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
            "keywords": STRING,
            "group": STRING,
        }
    ),
    "Services": _array({"$ref": "#/components/schemas/Service"}),
    "ServiceDefinition": _object(
        {
            "service_code": STRING,
            "attributes": _array(
                _object(
                    {
                        "variable": {"type": "boolean"},
                        "code": STRING,
                        "datatype": {"type": "string", "enum": sorted(DATATYPES)},
                        "required": {"type": "boolean"},
                        "datatype_description": NULLABLE_STRING,
                        "order": {"type": "integer", "minimum": 1},
                        "description": STRING,
                        "values": _array(_object({"key": STRING, "name": STRING})),
                    }
                )
            ),
        }
    ),
    "ServiceRequest": _object(
        {
            "service_request_id": STRING,
            "status": {"type": "string", "enum": ["open", "closed"]},
            "status_notes": NULLABLE_STRING,
            "service_name": STRING,
            "service_code": STRING,
            "description": STRING,
            "agency_responsible": NULLABLE_STRING,
            "service_notice": NULLABLE_STRING,
            "requested_datetime": {"type": "string", "format": "date-time"},
            "updated_datetime": {"type": "string", "format": "date-time"},
            "expected_datetime": {"type": "string", "format": "date-time", "nullable": True},
            "address": NULLABLE_STRING,
            "address_id": NULLABLE_STRING,
            "zipcode": NULLABLE_STRING,
            "lat": {"type": "number"},
            "long": {"type": "number"},
            "media_url": {"type": "string", "format": "uri", "nullable": True},
        }
    ),
    "ServiceRequests": _array({"$ref": "#/components/schemas/ServiceRequest"}),
    "CreatedServiceRequests": _array(
        _object(
            {
                "service_request_id": STRING,
                "token": STRING,
                "service_notice": NULLABLE_STRING,
                "account_id": NULLABLE_STRING,
            }
        )
    ),
    "Tokens": _array(_object({"service_request_id": STRING, "token": STRING})),
    "NewServiceRequest": {
        "type": "object",
        "properties": {
            "api_key": {"type": "string", "description": "The key the town issued."},
            "jurisdiction_id": {"type": "string", "description": "Accepted and ignored."},
            "service_code": {"type": "string", "description": "From GET services."},
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "long": {"type": "number", "minimum": -180, "maximum": 180},
            "address_string": {
                "type": "string",
                "maxLength": 200,
                "description": "Street and house number in the town, instead of lat/long.",
            },
            "description": {"type": "string", "maxLength": services.DESCRIPTION_MAX},
            "email": {"type": "string", "format": "email"},
            "first_name": {"type": "string", "maxLength": 74},
            "last_name": {"type": "string", "maxLength": 74},
            "phone": {"type": "string", "pattern": PHONE_PATTERN, "example": "03433 1234567"},
            "device_id": {"type": "string", "description": "Accepted and ignored."},
            "account_id": {"type": "string", "description": "Accepted and ignored."},
            "media_url": {
                "type": "string",
                "format": "uri",
                "description": "A photo on a public http(s) server; fetched at once.",
            },
            "lang": {"type": "string", "enum": ["de", "en"]},
        },
        "required": ["api_key", "service_code", "description"],
        "additionalProperties": {
            "type": "string",
            "description": "attribute[code]=value answers to the service definition.",
        },
    },
}

LANG = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": "Language of names and messages: de (default) or en.",
    "schema": {"type": "string", "enum": ["de", "en"]},
}
JURISDICTION = {
    "name": "jurisdiction_id",
    "in": "query",
    "required": False,
    "description": "Accepted and ignored: this endpoint serves one town.",
    "schema": STRING,
}


def _query(name, description, schema=None):
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or STRING,
    }


def _path_parameter(name, description):
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": STRING,
    }


def _response(fmt, schema, description):
    if fmt == "json":
        content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
    else:
        content = {"text/xml": {"schema": STRING}}
    return {"description": description, "content": content}


def _errors(fmt, *statuses):
    texts = {
        400: "Invalid request (the description says why).",
        403: "Missing, wrong or inactive api_key.",
        404: "Not found.",
        405: "Method not allowed.",
        429: "The api_key has used up its requests for this hour (see Retry-After).",
    }
    return {str(status): _response(fmt, "Errors", texts[status]) for status in statuses}


def _get(fmt, summary, schema, parameters=(), errors=(400,), description=""):
    return {
        "summary": f"{summary} ({fmt.upper()})",
        "description": description,
        "operationId": f"{summary.lower().replace(' ', '_')}_{fmt}",
        "parameters": [JURISDICTION, LANG, *parameters],
        "responses": {"200": _response(fmt, schema, "OK"), **_errors(fmt, *errors)},
    }


REQUEST_FILTERS = [
    _query(
        "service_request_id",
        "Comma-separated service_request_ids; overrides all other filters.",
    ),
    _query("service_code", "Comma-separated service codes."),
    _query(
        "start_date",
        "Earliest requested_datetime (W3C format, e.g. 2010-01-01T00:00:00Z). With end_date "
        "at most 90 days apart; without both, the latest 90 days.",
        {"type": "string", "format": "date-time"},
    ),
    _query(
        "end_date",
        "Latest requested_datetime (W3C format).",
        {"type": "string", "format": "date-time"},
    ),
    _query("status", "open, closed, or both comma-separated."),
    _query(
        "page",
        "Extension: page number, from 1.",
        {"type": "integer", "minimum": 1, "maximum": 10000},
    ),
    _query(
        "page_size",
        f"Extension: requests per page (default {services.DEFAULT_PAGE_SIZE}, at most "
        f"{services.MAX_PAGE_SIZE}), newest first.",
        {"type": "integer", "minimum": 1, "maximum": services.MAX_PAGE_SIZE},
    ),
    _query("bbox", "Extension: only requests within west,south,east,north (WGS 84)."),
]


def document(base_url: str) -> dict:
    """The OpenAPI document; ``base_url`` is the API's absolute address."""
    paths = {}
    for fmt in FORMATS:
        paths[f"/discovery.{fmt}"] = {"get": _get(fmt, "Service discovery", "Discovery", errors=())}
        paths[f"/services.{fmt}"] = {
            "get": _get(fmt, "Service list", "Services"),
        }
        paths[f"/services/{{service_code}}.{fmt}"] = {
            "get": _get(
                fmt,
                "Service definition",
                "ServiceDefinition",
                [_path_parameter("service_code", "A service_code with metadata true.")],
                errors=(400, 404),
            )
        }
        paths[f"/requests.{fmt}"] = {
            "get": _get(
                fmt,
                "Service requests",
                "ServiceRequests",
                REQUEST_FILTERS,
                description="Released reports only, never with personal data.",
            ),
            "post": {
                "summary": f"Create a service request ({fmt.upper()})",
                "description": (
                    "Needs api_key. A location is lat and long, or address_string (a street "
                    "address in the town). Photos: media_url or one or more multipart files "
                    "named media; both are checked like the web form's photos."
                ),
                "operationId": f"create_service_request_{fmt}",
                "parameters": [LANG],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {"$ref": "#/components/schemas/NewServiceRequest"}
                        },
                        "multipart/form-data": {
                            "schema": {
                                "allOf": [
                                    {"$ref": "#/components/schemas/NewServiceRequest"},
                                    {
                                        "type": "object",
                                        "properties": {
                                            "media": {"type": "string", "format": "binary"}
                                        },
                                    },
                                ]
                            }
                        },
                    },
                },
                "responses": {
                    "201": _response(fmt, "CreatedServiceRequests", "Created"),
                    **_errors(fmt, 400, 403, 404, 429),
                },
            },
        }
        paths[f"/requests/{{service_request_id}}.{fmt}"] = {
            "get": _get(
                fmt,
                "Service request",
                "ServiceRequests",
                [_path_parameter("service_request_id", "The report's reference.")],
                errors=(400, 404),
            )
        }
        paths[f"/tokens/{{token}}.{fmt}"] = {
            "get": _get(
                fmt,
                "Service request id from a token",
                "Tokens",
                [_path_parameter("token", "The token a POST requests returned.")],
                errors=(400, 404),
            )
        }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Open311 GeoReport v2 – defect reports",
            "version": "2",
            "description": (
                "The town's defect reports (Mängelmelder) as Open311 GeoReport v2 "
                f"({services.SPECIFICATION}), with the page/page_size and bbox extensions. "
                "Errors are a list of {code, description}."
            ),
        },
        "servers": [{"url": base_url}],
        "paths": paths,
        "components": {"schemas": SCHEMAS},
    }
