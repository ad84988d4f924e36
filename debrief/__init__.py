"""The debrief: a session's record turned into charts, tables, questions and one HTML page.

``record`` loads what happened (from the server's SQLite event log, or from a
headless match); ``series`` computes each team's chart series without any
drawing library, so the game client can draw the same charts; ``charts`` draws
them with matplotlib; ``tables`` flattens decisions and KPIs into CSV rows;
``questions`` asks the five levels of business-model management with each
team's own figures; ``lessons`` finds what the strategies that did well had in
common; ``html`` writes the self-contained page; ``export`` writes every file.
"""
