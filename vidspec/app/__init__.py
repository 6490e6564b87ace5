"""The composition root: one module per command flow, wiring the layers below together.

- ``providers``: ``open_provider`` turns ``provider:`` of vidspec.yaml into a client.
- ``sandbox``: the sandbox provider (the emulator in-process + the CDNvideo client).
- ``workflow``: load the project, open the provider, make the plan.
- ``apply``: one apply from lock to last write (``apply_session``, ``apply_project``).
"""
