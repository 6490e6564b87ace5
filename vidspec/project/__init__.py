"""The user's files: ``vidspec.yaml`` (``config``) and the manifests (``loader``).

- ``config``: the project file and its ``Project`` value (provider, state, safety, defaults).
- ``loader``: the manifests -> ``Desired`` (``model``), with every problem at file:line:column.
- ``yamlload``, ``loctree``: YAML with source positions; ``schema``: the JSON Schemas;
  ``schema_errors``: schema errors in the user's words; ``resolve``: ``{file:}`` and durations.

May import ``core`` only: it is a sibling of ``state``, ``providers``, ``forges`` and
``emulator``.
"""
