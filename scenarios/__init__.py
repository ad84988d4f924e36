"""The scenario files (TOML), shipped as package data and found with ``importlib.resources``.

``economy.toml`` holds the coefficients every scenario shares; each other file is one
scenario (``grow``, ``transform``, ``build``, ``tutorial``). No code lives here.
"""
