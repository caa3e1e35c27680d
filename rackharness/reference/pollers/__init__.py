"""RackHD's pollers on the reference target (contract §6): IPMI telemetry of nodes, on a schedule.

* :mod:`.store` - work items in Mongo (``workitems``), RackHD's raw shape and run bookkeeping;
* :mod:`.views` - the poller view and the raw work item, without secrets;
* :mod:`.scheduler` - one thread and a heap of due times; runs on a small pool;
* :mod:`.commands` - the six IPMI commands (chassis, selInformation, sel, selEntries, sdr,
  driveHealth), over :mod:`.bmc_reads` (raw IPMI requests) and :mod:`.sdr` / :mod:`.sel`
  (RackHD's data shapes, as its parsers make them from ipmitool's text, with ipmitool's names
  from :mod:`rackharness.ipmi`);
* :mod:`.cache` - the last ``pollerCacheSize`` results per poller;
* :mod:`.service` - the runtime on ``ctx.pollers``: polls, cache, events, failure counting;
* :mod:`.defaults` - ``create_default_pollers(ctx, node_id)``, discovery's six default pollers.

The REST API is ``rackharness.reference.api.pollers``. Nothing here does I/O at import time.
"""
