"""Fonts and other files the clients draw with, shipped as package data.

Found with ``importlib.resources.files("assets")``; no code lives here.
"""
