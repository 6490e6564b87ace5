"""The ground floor: clock, durations, times, source locations, the error tree, atomic writes.

Every other layer may import these; they import nothing of vidspec above them, and nothing
that talks to the network, a lock or a terminal (import-linter's ``forbidden`` contract).
"""
