import json
from pathlib import Path

import pytest
from jsonschema.validators import validator_for

# The legal fixtures (label versions, a register entry).
from tests.disclaimers.conftest import labels, memorial  # noqa: F401

SCHEMA = Path(__file__).with_name("ninjs-schema_2.1.json")


@pytest.fixture(scope="session")
def ninjs_validator():
    """A validator of the schema's own draft (2020-12), checking formats too."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
