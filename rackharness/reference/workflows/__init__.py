"""The reference target's workflow engine (RackHD's on-taskgraph + on-tasks: power graphs, discovery).

- :mod:`.library`       graph and task definitions (defaults in ``library.json``), PUT checks
- :mod:`.instance`      a graph instance in RackHD's raw ``graphobjects`` shape; option merging
- :mod:`.engine`        WorkflowEngine: scheduling, one graph per node, cancel, state in Mongo
- :mod:`.jobs`          what tasks run (``Job.Obm.Node``, ``Job.noop``), JobRun, CancelToken
- :mod:`.discovery_jobs` the discovery jobs (Linux.Bootstrap/Catalog/Commands/ShellReboot, Graph.Run, ...)
- :mod:`.obm`           OBM services (ipmi over pyghmi, noop) and choosing a node's OBM
- :mod:`.ipmi`          bounded pyghmi calls that survive pyghmi's session cache
- :mod:`.graph_events`  graph.started / progress.updated / finished on on.events
"""
