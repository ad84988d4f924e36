"""The pygame client: it renders what the server decides and sends what the board edits.

Imports point one way: client → protocol (``protocol.client``, ``protocol.replies``)
→ game. Nothing in ``game`` or ``server`` imports the client.
"""

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
