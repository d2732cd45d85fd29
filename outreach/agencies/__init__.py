"""The municipality's directory of agencies: its coordinator keeps it (name, kind, offered or
not); the teams choose from it when they record a request to an agency."""
