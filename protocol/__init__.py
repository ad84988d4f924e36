"""The protocol between the server and its clients: messages, replies, errors, phases,
and the client library that speaks it.

Imports point one way: protocol → game. The server, the clients and the command line
import the protocol; the protocol imports none of them.
"""
