"""Water and electricity: connections, meters, tariffs, readings, billing and vending."""
