/** Cases for the SMART Health Links codes: the manifest server's refusals (IG §Manifest Request). */

import { expect } from 'vitest'
import { parseShlink } from '../../../src/core/shl/index.ts'
import type { ServiceErrorCode } from '../../../src/platform/errors/index.ts'
import { holderWith, makeLink, manifestPath } from '../../helpers/shl.ts'
import { call } from '../staff/helpers.ts'
import type { Case } from './world.ts'

export const SHL_CASES = {
  SHL_NOT_FOUND: {
    field: 'url',
    provoke: (w) =>
      call(w.t, 'POST', `/shl/${'A'.repeat(43)}`, { recipient: 'Clinic' }, { origin: null }),
  },
  SHL_PASSCODE_WRONG: {
    field: 'passcode',
    async provoke(w) {
      const h = await holderWith(w.t)
      const made = await makeLink(w.t, h, { passcode: '2468' })
      const path = manifestPath(w.t, parseShlink(made.shlink).url)
      return call(w.t, 'POST', path, { recipient: 'Clinic', passcode: '1357' }, { origin: null })
    },
  },
  SHL_FILE_GONE: {
    field: 'url',
    async provoke(w) {
      const h = await holderWith(w.t)
      const made = await makeLink(w.t, h, {})
      const path = manifestPath(w.t, parseShlink(made.shlink).url)
      const res = await call(
        w.t,
        'POST',
        path,
        { recipient: 'Clinic', embeddedLengthMax: 0 },
        { origin: null },
      )
      const { files } = (await res.json()) as { files: { location: string }[] }
      const location = manifestPath(w.t, files[0]?.location ?? '')
      expect((await call(w.t, 'GET', location, undefined, { origin: null })).status).toBe(200)
      return call(w.t, 'GET', location, undefined, { origin: null })
    },
  },
} satisfies Partial<Record<ServiceErrorCode, Case>>
