"""Video services behind one protocol (``base.Provider``): ``cdnvideo``, ``vidnoz``.

``base`` holds the protocol and the shared vocabulary (``RemoteVideo``, ``TaskState``,
``Capabilities``, ``Rate``); ``http`` the one HTTP client every provider uses; ``pacing`` the
request pacing. This package never imports the emulator: the sandbox (emulator + CDNvideo
client) is composed in ``vidspec.app``, which also turns ``provider:`` into a client.
"""
