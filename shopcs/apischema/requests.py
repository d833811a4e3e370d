"""An API view's input, checked against its declaration: a 400 when the body is not JSON, else a 422 naming
every bad field or parameter."""
import re

from flask import request
from flask_babel import lazy_gettext as _l

from ..api_support import INVALID_FIELDS, ApiError, json_body, validation_error
from .check import check, check_params


def json_object(optional: bool = False) -> dict:
    """The JSON body as an object (400 when not JSON, 422 when not an object); `optional`: empty is {}."""
    if optional and not request.get_data(cache=True):
        return {}
    try:
        return json_body()
    except RecursionError as exc:
        raise ApiError(400, "bad_request", _l("The JSON is nested too deeply.")) from exc


def body_values(schema: dict, optional: bool = False, message=INVALID_FIELDS) -> dict:
    """The JSON body as Python values (see check.check); `optional`: an empty body is {}."""
    values, fields = check(schema, json_object(optional))
    if fields:
        raise validation_error(fields, message)
    return values


def query_args(time_names: tuple[str, ...] = ("updated_since",)) -> dict:
    """The query string as a dict, with the "+" of a time's offset put back: unencoded, it arrives as a space."""
    args = request.args.to_dict()
    for name in time_names:
        if name in args:
            args[name] = re.sub(r" (\d\d:?\d\d)$", r"+\1", args[name])
    return args


def param_values(parameters, args=None, extra_problems: dict | None = None) -> dict:
    """The declared query and header parameters; a 422 naming each bad one (and `extra_problems`)."""
    values, fields = check_params(list(parameters), {"query": request.args if args is None else args,
                                                     "header": request.headers})
    fields = {**fields, **(extra_problems or {})}
    if fields:
        raise validation_error(fields)
    return values
