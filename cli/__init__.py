"""The ``clusterboard`` command-line app: the top room, it may import every other.

``main`` parses the command line and calls one command; ``serve``, ``report``,
``launch`` (play, host, demo), ``bot`` and ``loadtest`` hold the commands that need
the server, the debrief or the pygame client, imported only when called.
"""
