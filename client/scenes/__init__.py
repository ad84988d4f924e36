"""One module per screen; each scene has ``handle_event``, ``update`` and ``draw``."""
