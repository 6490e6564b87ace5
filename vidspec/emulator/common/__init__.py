"""What every emulated service shares: ``server`` (HTTP plumbing, the fault pipeline),
``faults``, ``limits``, ``store`` (persistence), ``settings``, ``world``, ``media``."""
