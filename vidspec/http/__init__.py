"""The one HTTP seam, on the ground floor beside ``core`` (the providers, the forges and the S3
state backend use it; none of them may import another): ``client`` (``HttpClient``,
``HttpPolicy``), ``retry``, ``errors``, ``files``, ``body``, ``speed``, ``watchdog``, ``ledger``.
It imports only ``vidspec.core``. It is not in ``core`` because ``core`` stays free of network
libraries (the pure-layers contract)."""
