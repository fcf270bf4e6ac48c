"""The shared cache that the rate limits and the sign-in lock-out count in (see settings.CACHES).

Every worker process and every application server must see the same counters, or each one lets an attacker
through its own quota. The default is Django's database cache, whose table `minsheng_cache` the core
migrations create; `CACHE_URL=redis://…` uses Redis instead.
"""

import base64
import pickle

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction
from django.utils.timezone import now

# Created by core's migration 0003; the name is fixed there, so it is fixed here too.
TABLE = "minsheng_cache"


class DatabaseCache(DjangoDatabaseCache):
    """Django's database cache, made fit to hold counters.

    - `incr` reads and writes the value in one transaction under the row's lock (SELECT … FOR UPDATE on
      PostgreSQL; on SQLite the transaction's BEGIN IMMEDIATE takes the write lock), so increments from
      concurrent requests in other processes are never lost, and it keeps the entry's expiry. Django's own
      `incr` is a get followed by a set: concurrent counts overwrite each other, and the set restarts the
      entry's life at the default timeout, so a window of one hour could end five minutes after its last hit.
    - Culling removes expired entries only. Live entries are lock-outs and rate-limit windows; evicting them
      when the table is full would let a flood of requests erase the counters that are meant to stop it.
    """

    def _encode(self, value) -> str:
        return base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table, cache_key, value, expires = (quote(name) for name in (self._table, "cache_key", "value", "expires"))
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {value} FROM {table} WHERE {cache_key} = %s AND {expires} >= %s{lock}",  # noqa: S608
                [key, connection.ops.adapt_datetimefield_value(now().replace(microsecond=0))])
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found.")
            new_value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode())) + delta  # noqa: S301
            cursor.execute(f"UPDATE {table} SET {value} = %s WHERE {cache_key} = %s",  # noqa: S608
                           [self._encode(new_value), key])
        return new_value

    def _cull(self, db, cursor, now, num):
        connection = connections[db]
        cursor.execute(
            f"DELETE FROM {connection.ops.quote_name(self._table)} "  # noqa: S608
            f"WHERE {connection.ops.quote_name('expires')} < %s",
            [connection.ops.adapt_datetimefield_value(now)])
