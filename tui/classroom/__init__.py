"""Terminal screens of the hosted classroom game: the joined client and the facilitator
console (both Textual), and the `host` and `join` commands."""
