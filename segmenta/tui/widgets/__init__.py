"""The chat's widgets, one module each: the answer card, the request line, the results pane."""
