"""The hosted classroom game: one shared game played from many screens.

`session` turns seats' messages into the engine's moves and injects; `protocol` is the
versioned JSON spoken over the WebSocket; `host` and `client` are the two ends of it;
`objectives` holds briefs and scores; `deals` the proposals teams send each other; `bots`
plays a seat unattended; `debrief` writes the after-action report of a hosted game.
"""
