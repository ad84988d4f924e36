# The engine's version, written with every round record. Raise it with any change to the
# rules that can change what a resolution gives; a stored session notes the switch.
ENGINE_VERSION = "1.4.0"
