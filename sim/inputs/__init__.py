"""Inputs: the file formats of config/ and scenarios/ (config_schema, schema, domains), the
strict YAML reader (safe_yaml), loading (config, loader), parameter keys (params) and `Setup`
(a validated scenario with its config, compiled to arrays for the engine)."""
