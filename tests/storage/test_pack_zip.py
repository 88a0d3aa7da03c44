"""The briefing pack's ZIP reads every file through the store: the ZIP tests of
tests/content/test_pack.py, run here with the files in the local folder and in the object
store (tests/storage/conftest.py gives both)."""

from __future__ import annotations

from tests.content.test_pack import (  # noqa: F401 - fixture and tests collected here as well
    built,
    test_zip_has_every_file_under_a_safe_name,
    test_zip_lists_a_missing_file_instead_of_failing,
)
