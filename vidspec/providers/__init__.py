"""Video services behind one protocol (``base.Provider``): ``cdnvideo``, ``vidnoz``,
``heygen``, ``synthesia``.

``base`` holds the protocol and ``Capabilities``; ``pacing`` the request pacing; ``plugin``
the plugin object (published as ``vidspec.plugin``) and ``registry`` the kinds installed
through the ``vidspec.providers`` entry points. The values they share with the rest
(``RemoteVideo``, ``TaskState``, ``Rate``) are in ``vidspec.core``, the HTTP client every
provider uses in ``vidspec.http``. This package never imports the emulator: the sandbox
(emulator + CDNvideo client) is ``vidspec.sandbox``, and ``vidspec.app.providers`` turns
``provider:`` into a client through the registry.

May import ``http`` and ``core`` only: a sibling of ``project``, ``state``, ``forges`` and
``emulator``.
"""
