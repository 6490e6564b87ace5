"""Contract suites for vidspec's extension points: what a state store or a provider promises,
written as pytest tests anyone can import and run against their own implementation.

Modelled on Terraform's ``statemgr.TestFull`` (one suite every state manager runs) and on
octoDNS's shared provider base. Two suites, each a base class of test methods that a package
subclasses in its own tests, giving one fixture:

- ``vidspec.testing.store.StateStoreContract``: a ``StateStore`` backend (the local file, S3,
  the next one). The fixture ``store_backend`` returns a ``StoreBackend``: fresh stores on one
  place, and raw access to the objects they keep there.
- ``vidspec.testing.provider.ProviderContract``: a provider client and the emulator of its
  service. The fixture ``provider_harness`` returns a ``ProviderHarness``: the emulator on a
  ``ManualClock``, the client opened against it, a fault injected, the emulator's own view.

Example (a package's ``tests/test_contract.py``)::

    import pytest
    from vidspec.testing.store import StateStoreContract

    class TestMyStore(StateStoreContract):
        @pytest.fixture
        def store_backend(self, tmp_path):
            return MyBackend(tmp_path)

This package imports pytest: it is for tests only, and no other vidspec module imports it
(an import-linter contract in pyproject.toml keeps it so).
"""

from __future__ import annotations

import pytest

# The suites' own asserts explain a failure as a test module's do (pytest rewrites them when
# they are imported, which is after this package's __init__).
pytest.register_assert_rewrite("vidspec.testing.store", "vidspec.testing.provider")
