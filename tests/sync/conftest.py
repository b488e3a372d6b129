from fixtures import agency, desk1, desk2, server, server_options, shared_server, sqlite_server  # noqa: F401
