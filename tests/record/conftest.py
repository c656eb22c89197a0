# The legal fixtures (label versions, a register entry).
from tests.disclaimers.conftest import labels, memorial  # noqa: F401
