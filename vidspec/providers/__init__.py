"""Video services behind one protocol (``base.Provider``): ``cdnvideo``, ``vidnoz``,
``heygen``, ``synthesia``.

``base`` holds the protocol and ``Capabilities``; ``pacing`` the request pacing. The values
they share with the rest (``RemoteVideo``, ``TaskState``, ``Rate``) are in ``vidspec.core``,
the HTTP client every provider uses in ``vidspec.http``. This package never imports the
emulator: the sandbox (emulator + CDNvideo client) is composed in ``vidspec.app``, which also
turns ``provider:`` into a client.

May import ``http`` and ``core`` only: a sibling of ``project``, ``state``, ``forges`` and
``emulator``.
"""
