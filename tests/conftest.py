"""Fixtures shared by the test modules."""

from __future__ import annotations

import array_api_strict
import numpy as np
import pytest

NAMESPACES = {"numpy": np, "array_api_strict": array_api_strict}


@pytest.fixture(params=list(NAMESPACES), ids=list(NAMESPACES))
def xp(request):
    """Each array library the reference code must run on (CPU stand-ins for CuPy)."""
    return NAMESPACES[request.param]
