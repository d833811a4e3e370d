"""Property-based fuzz of /api/v1/ from its own description (schemathesis, in process over WSGI, with a token).

Every generated request must get an answer the description allows: no 500, a described status, a JSON body
matching the described schema. Bounded and derandomized so it runs the same, quickly, everywhere.
"""
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from ..builders import make_order, make_token
from ..conftest import make_app

# A deeper run for hunting bugs: SHOPCS_FUZZ_EXAMPLES=500 pytest tests/integration/test_openapi_fuzz.py
EXAMPLES = int(os.environ.get("SHOPCS_FUZZ_EXAMPLES", "25"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]



def _description() -> dict:
    """Read once at collection from an app on no database (the description touches none); the fuzz itself runs
    against the test's app. schemathesis' fixture loader does not work with pytest 9 (it sets a private node id)."""
    app = make_app("sqlite://")
    return app.test_client().get("/api/v1/openapi.json").json


schema = schemathesis.openapi.from_dict(_description())


@pytest.fixture
def token(app):
    make_order("T100", total="100.00")
    return make_token("fuzz")


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, phases=[Phase.explicit, Phase.generate, Phase.shrink],
          suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_described(case, app, token):
    case.call_and_validate(app=app, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
