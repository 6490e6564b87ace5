"""GitHub and GitLab comment clients behind one small protocol (``base.Forge``).

- ``base``: the protocol, ``Comment``, ``COMMENT_LIMIT``;
- ``github``, ``gitlab``: the clients; ``transport``: what they share (the one HTTP seam,
  bounded answers, errors naming the host); ``factory.open_forge``;
- ``marker``: the hidden marker of a sticky comment; ``sticky``: one comment per project;
- ``target``: which forge, repository and PR, from the CI environment and flags.

This file imports nothing, so the pure layers can use ``base`` and ``marker`` without pulling
in an HTTP client.

May import ``http`` and ``core`` only: a sibling of ``project``, ``state``, ``providers`` and
``emulator``.
"""
