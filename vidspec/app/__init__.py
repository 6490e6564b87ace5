"""The composition root: one module per command flow, wiring the layers below together.

- ``providers``: ``open_provider`` turns ``provider:`` of vidspec.yaml into a client, through
  the kind's plugin (``vidspec.providers.registry``); no kind is named in ``app/``.
- ``workflow``: load the project, open the provider, make the plan.
- ``apply``: one apply from lock to last write (``apply_session``, ``apply_project``).
- ``imports``, ``state_edits``, ``outputs``, ``unlock``, ``backend_check``, ``drift``,
  ``validation``, ``review``, ``report``, ``migrate``: the flows of those commands.
- ``vocabulary``: the lower floors' types a command names.

May import every floor below it; it prints nothing and holds no rule of planning or execution.
"""
