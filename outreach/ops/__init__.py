"""Operations: health and readiness probes, request ids and JSON logs, metrics, error reporting,
the beat lock, backups and the read-replica router (issue 18). Nothing here reads client data."""
