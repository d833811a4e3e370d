"""What an /api/v1/ view declares about itself: `@describe(...)` stores an Operation on the view function.

The description document is built from these (document.py), and the views check their input with the same
declarations (check.py), so a parameter or a body field cannot be described one way and checked another.
"""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext  # lazy; named so that pybabel extracts its context

from .shapes import whole

ERROR_CODES = ("validation_error", "not_found", "conflict", "unauthorized", "forbidden", "bad_request", "too_large",
               "method_not_allowed")
ERROR_BODY = {
    "type": "object", "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["code", "message", "fields"],
        "properties": {
            "code": {"type": "string", "enum": list(ERROR_CODES)},
            "message": {"type": "string"},
            "fields": {"type": "object", "description": "Each bad field by dotted path (items.0.unit_price): why."},
        },
    }},
}
MAX_PAGE = 1_000_000
# The tags, in the order the description and the API page list them.
ORDERS, REFUNDS, CASES, CUSTOMERS = _l("Orders"), _l("Refunds"), _l("Cases"), pgettext("API section", "Customers")
OUTBOX, REPORTS, ASSISTANT, DESCRIPTION = _l("Outbox"), _l("Reports"), _l("Assistant"), _l("Description")
TAGS = (ORDERS, REFUNDS, CASES, CUSTOMERS, OUTBOX, REPORTS, ASSISTANT, DESCRIPTION)


@dataclass(frozen=True)
class Operation:
    tag: str
    summary: str
    responses: dict  # status → response body schema
    description: str = ""
    parameters: tuple = ()
    body: dict | None = None
    body_required: bool = True
    errors: tuple = (401,)  # error statuses this operation may answer, each with the error body
    public: bool = False  # no bearer token needed
    path_schemas: dict = field(default_factory=dict)  # a path parameter's schema, when the URL rule says too little

def describe(**declaration):
    """Attach an Operation to a view; put it under the route decorator (functools.wraps keeps it on wrappers)."""
    operation = Operation(**declaration)

    def mark(view):
        view.openapi = operation
        return view

    return mark


def param(name: str, where: str, schema: dict, description: str, required: bool = False) -> dict:
    return {"name": name, "in": where, "schema": schema, "description": description, "required": required}


def paging(max_per_page: int = 200) -> tuple[dict, dict]:
    """?page= and ?per_page=, as every list takes them."""
    return (
        param("page", "query", whole(1, MAX_PAGE, default=1, **{"x-message": f"must be a whole number from 1 to {MAX_PAGE}"}),
              _l("Page number, from 1.")),
        param("per_page", "query",
              whole(1, max_per_page, default=50, **{"x-message": f"must be a whole number from 1 to {max_per_page}"}),
              _l("Rows per page, at most %(limit)s.", limit=max_per_page)),
    )
