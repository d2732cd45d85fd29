"""Send the reads of figures, drill-downs and reports to a read replica, when there is one.

`DATABASE_REPLICA_URL` adds the connection alias `replica` (a streaming-replication standby).
Views that only show aggregates and stored snapshots are decorated with `reads_from_replica`:
while such a view answers a GET, reads go to the replica; writes (the audit log of the read)
always go to the primary, and so does every read inside a transaction on the primary (a write
path never reads stale rows). Without the alias everything is the primary, as before.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
_wanted: contextvars.ContextVar[bool] = contextvars.ContextVar("reads_from_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _wanted.set(True)
    try:
        yield
    finally:
        _wanted.reset(token)


def reads_from_replica(view: Callable) -> Callable:
    """A view whose GET (and HEAD) reads may be answered from the replica."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        with replica_reads():
            return view(request, *args, **kwargs)

    return wrapped


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        if (
            _wanted.get()
            and replica_configured()
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # The replica holds the primary's rows: an object read there may be linked to one
        # read on the primary (the audit row of a read names the user and the client).
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS
