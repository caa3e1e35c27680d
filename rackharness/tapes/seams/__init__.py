"""One wrapper per transport seam: it gives the harness the seam's own interface and hands every
interaction to the :class:`~rackharness.tapes.deck.Deck` (recorded around the real side, or replayed
with no real side at all)."""
