"""Virtual BMCs that speak IPMI 2.0 over LAN (RMCP+), many per process on one asyncio loop.

Layers, bottom up:
- :mod:`.message`  the request/response/privilege types shared by every layer (the seam);
- :mod:`.users`    the per-BMC user table (authentication and ``user list`` read the same table);
- wire, crypto, session and server modules: RMCP / RMCP+ framing, cipher suites 3 and 17,
  session setup (RAKP 1-4), the UDP endpoints;
- :mod:`.commands` the IPMI command set, dispatched by (netfn, cmd) with per-command privilege.
"""
