"""Errors the services raise; the API maps them to 4xx bodies, the pages to form errors and flashes."""


class ServiceError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotFound(ServiceError):
    status, code = 404, "not_found"


class Conflict(ServiceError):
    status, code = 409, "conflict"


class Forbidden(ServiceError):
    status, code = 403, "forbidden"


class Invalid(ServiceError):
    status, code = 422, "validation_error"
