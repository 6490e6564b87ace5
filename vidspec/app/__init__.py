"""The composition root: one module per command flow, wiring the layers below together.

- ``providers``: ``open_provider`` turns ``provider:`` of vidspec.yaml into a client, through
  the kind's plugin (``vidspec.providers.registry``); no kind is named in ``app/``.
- ``workflow``: load the project, open the provider, make the plan.
- ``apply``: one apply from lock to last write (``apply_session``, ``apply_project``).
"""
