"""The API's request and response shapes as JSON Schema (OpenAPI 3.1's dialect): one declaration checks a request
and describes it in /api/v1/openapi.json and on the API page."""
