/** drizzle-orm 0.45 has no bytea builder; this round-trips Uint8Array on both drivers. */
import { customType } from 'drizzle-orm/pg-core'

export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType() {
    return 'bytea'
  },
  fromDriver(value) {
    // postgres.js hands back a Buffer (a Uint8Array subclass); normalise to a plain view.
    return value instanceof Uint8Array
      ? new Uint8Array(value.buffer, value.byteOffset, value.length)
      : value
  },
})
