"""The black-box suite's machinery: proboscis ordering, the plan, the target, the per-run context.

Test modules import their decorators from :mod:`rackharness.suite.decorators` (never from
``proboscis`` directly) and reach the rack through :func:`rackharness.suite.context.suite_context`.
"""
