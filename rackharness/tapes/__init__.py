"""Record once, replay anywhere: tapes of every interaction across the transports' seams.

See docs/record-replay.md. :mod:`.deck` is the run's tape player/recorder; :mod:`.seams` wraps each
transport; :mod:`.tape` is the file format; :mod:`.scrub` keeps secrets out of promoted tapes.
"""
