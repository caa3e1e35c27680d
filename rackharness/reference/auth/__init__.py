"""Authentication and authorization of the reference target: RackHD's local users and roles,
JWT tokens, Redfish sessions, and the gate of the auth-enabled endpoint."""
