"""Layered configuration: built-in defaults → ``--config FILE`` → ``RACKHARNESS_*`` → flags.

:mod:`.schema` declares every setting once (type, default, bounds, whether it is a secret);
:mod:`.loader` merges the layers and remembers where each value came from, so an error can say
"config.yaml:12 field amqp.port" or "environment RACKHARNESS_NODES" or "flag --nodes".
"""

from rackharness.config.loader import Config, load_config
from rackharness.config.schema import SETTINGS

__all__ = ["Config", "SETTINGS", "load_config"]
