"""The correspondence register: incoming, outgoing and internal letters."""
