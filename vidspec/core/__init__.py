"""The ground floor: clock, durations and rates (one parser each), times, source locations,
paths, did-you-mean, the error tree, atomic writes, the lock primitive (``lock``) and the
values several floors share (``videos``: ``TaskState``, ``RemoteVideo``; ``rate``;
``statesettings``).

Every other layer may import these; they import nothing that talks to the network, a process
or a terminal (import-linter's ``forbidden`` contract; ``lock`` alone takes a file lock).

Imports nothing of vidspec.
"""
