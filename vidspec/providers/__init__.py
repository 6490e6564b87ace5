"""Video services behind one protocol (``base.Provider``): ``cdnvideo``, ``vidnoz``, ...

``base`` holds the protocol and the shared vocabulary (``RemoteVideo``, ``TaskState``,
``Capabilities``, ``Rate``); ``http`` the one HTTP client every provider uses; ``pacing`` the
request pacing; ``plugin`` the plugin object (published as ``vidspec.plugin``) and ``registry``
the kinds installed through the ``vidspec.providers`` entry points. This package never imports
the emulator: the sandbox (emulator + CDNvideo client) is ``vidspec.sandbox``, and
``vidspec.app.providers`` turns ``provider:`` into a client through the registry.
"""
