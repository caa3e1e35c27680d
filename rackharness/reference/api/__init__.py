"""One module per resource family; each exposes ``blueprint(ctx) -> flask.Blueprint``."""
