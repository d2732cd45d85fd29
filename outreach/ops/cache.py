"""A Redis cache that a Redis outage does not turn into error pages.

The cache holds only what can be computed again (My work's menu counts, "a PDF is being
rendered" marks): while Redis cannot be reached, a read is a miss, a write is skipped and
`add` says yes (the mark it would set only prevents doing work twice), each with a warning in
the log. Contact logging and every page go on; /readyz reports the cache as failed.
"""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
DOWN = (RedisConnectionError, RedisTimeoutError)


def _tolerant(default_from=None, default=None):
    def decorate(method):
        @functools.wraps(method)
        def wrapped(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except DOWN as exc:
                logger.warning(
                    "cache unavailable",
                    extra={"operation": method.__name__, "error": type(exc).__name__},
                )
                if default_from is not None:
                    return default_from(*args, **kwargs)
                return default

        return wrapped

    return decorate


def _given_default(key, default=None, *args, **kwargs):
    return default


class TolerantRedisCache(RedisCache):
    get = _tolerant(default_from=_given_default)(RedisCache.get)
    get_many = _tolerant(default={})(RedisCache.get_many)
    set = _tolerant()(RedisCache.set)
    set_many = _tolerant(default=[])(RedisCache.set_many)
    add = _tolerant(default=True)(RedisCache.add)
    touch = _tolerant(default=False)(RedisCache.touch)
    delete = _tolerant(default=False)(RedisCache.delete)
    delete_many = _tolerant()(RedisCache.delete_many)
    has_key = _tolerant(default=False)(RedisCache.has_key)
    incr = _tolerant(default_from=lambda key, delta=1, version=None: delta)(RedisCache.incr)
    clear = _tolerant(default=False)(RedisCache.clear)
