/** Cases for the log shard codes (docs/LEDGER.md "Shards"). */

import { buildContext } from '../../../src/entry/context.ts'
import { createApp } from '../../../src/http/app.ts'
import { parseConfig } from '../../../src/platform/config/index.ts'
import { jsonLogger } from '../../../src/platform/context/index.ts'
import type { ServiceErrorCode } from '../../../src/platform/errors/index.ts'
import { nodeKeyCrypto } from '../../../src/platform/node-crypto/key-crypto.ts'
import { rotateShard } from '../../../src/services/ledger/index.ts'
import { createTestApp, seededRandom, TEST_MASTER_KEY } from '../../helpers/app.ts'
import { immunization } from '../../helpers/credentials.ts'
import { call } from '../staff/helpers.ts'
import { type Case, worldOf } from './world.ts'

export const SHARD_CASES = {
  LOG_SHARD_UNKNOWN: {
    provoke: (w) => call(w.t, 'GET', '/log/9/checkpoint'),
  },
  LOG_SHARD_FROZEN: {
    async provoke(w) {
      // A writer pinned to shard 1 (its own database: the rotation would move the others' log).
      const own = await createTestApp(w.t.database.kind)
      try {
        const config = parseConfig({
          PUBLIC_URL: 'http://localhost:8787',
          VIGIL_LOG_LEVEL: 'silent',
        })
        const { ctx } = await buildContext({
          database: own.database,
          config,
          masterKey: TEST_MASTER_KEY,
          logger: jsonLogger('silent'),
          clock: own.ctx.clock,
          random: seededRandom(9),
          keyCrypto: nodeKeyCrypto,
          keys: 'existing',
          ledger: { kind: 'writer', options: { follow: false, witnesses: false } },
        })
        const pinned = { ...own, app: createApp({ ...ctx, version: 'test' }, { accessLog: false }) }
        await rotateShard(own.ctx, 'localhost:8787/log')
        const o = await worldOf(own)
        return await call(pinned, 'POST', '/api/credentials', immunization(), o.auth.issuer)
      } finally {
        await own.close()
      }
    },
  },
} satisfies Partial<Record<ServiceErrorCode, Case>>
