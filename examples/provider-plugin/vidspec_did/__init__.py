"""vidspec-did: D-ID's Talks API as a vidspec provider (``kind: did``).

An example of a third-party provider plugin: it imports only ``vidspec.plugin``, and vidspec
finds it through the ``vidspec.providers`` entry point in this package's ``pyproject.toml``.
"""

__version__ = "0.1.0"
