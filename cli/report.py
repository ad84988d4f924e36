"""``clusterboard report``: write a session's debrief from the server's database.

Every failure a user can cause (a missing database, an unknown code, a folder
that cannot be written) ends in one line on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import sys

from debrief.export import HTML_FILE, ExportError, export_session

EXIT_FAILURE = 1


def cmd_report(args: argparse.Namespace) -> int:
    """Write report.html, the charts, decisions.csv, kpis.csv and session.json to ``--out``."""
    try:
        files = export_session(args.db, args.session, args.out)
    except ExportError as error:
        print(f"clusterboard: error: {error}", file=sys.stderr)
        return EXIT_FAILURE
    page = next(path for path in files if path.name == HTML_FILE)
    print(f"wrote {len(files)} files to {page.parent}; open {page}")
    return 0
