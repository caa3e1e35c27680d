"""rackharness's own Mongo-wire store: nx-27017 0.8.1 with MongoDB's semantics for the forms
RackHD's old drivers send (docs/store.md). Run it as ``python -m rackharness.services.store``."""
