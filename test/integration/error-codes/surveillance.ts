/** Cases for the surveillance codes: the dashboards' series API and its privacy budget. */

import { expect } from 'vitest'
import type { ServiceErrorCode } from '../../../src/platform/errors/index.ts'
import { call } from '../staff/helpers.ts'
import type { Case } from './world.ts'

const SERIES = '/api/surveillance/series?measure=tests&from=2025-11-24&to=2026-11-23'

export const SURVEILLANCE_CASES = {
  DP_BUDGET_EXHAUSTED: {
    field: 'epsilon',
    // Until the next UTC day: the test clock stands at noon.
    retryAfter: 12 * 3600,
    async provoke(w) {
      // A daily budget of 10: two queries at epsilon 4 leave 2, too little for a third.
      const noisy = `${SERIES}&dp=geometric&epsilon=4`
      for (let i = 0; i < 2; i++)
        expect((await call(w.t, 'GET', noisy, undefined, w.auth.epidemiologist)).status).toBe(200)
      return call(w.t, 'GET', noisy, undefined, w.auth.epidemiologist)
    },
  },
  BREAKDOWN_UNSUPPORTED: {
    field: 'breakdown',
    provoke: (w) =>
      call(
        w.t,
        'GET',
        `${SERIES}&breakdown=result`.replace('tests', 'doses'),
        undefined,
        w.auth.epidemiologist,
      ),
  },
  RANGE_INVALID: {
    field: 'from',
    provoke: (w) =>
      call(
        w.t,
        'GET',
        '/api/surveillance/series?measure=doses&from=2026-05-01&to=2026-01-01',
        undefined,
        w.auth.epidemiologist,
      ),
  },
  REGION_UNKNOWN: {
    field: 'region',
    provoke: (w) => call(w.t, 'GET', `${SERIES}&region=XV-Q`, undefined, w.auth.epidemiologist),
  },
  REGIONS_CSV_INVALID: {
    field: 'header',
    // The administrator's upload of a regions file (as `vigil regions load`), one column short.
    provoke: async (w) =>
      await w.t.app.request('/api/surveillance/regions', {
        method: 'PUT',
        headers: { authorization: `Bearer ${w.auth.admin.token}`, 'content-type': 'text/csv' },
        body: 'code,name\nXX,Land\n',
      }),
  },
  BOUNDARIES_INVALID: {
    field: 'features[0].geometry.coordinates[0]',
    // An administrator's boundary upload (as `vigil regions load`) with a ring of three positions.
    provoke: async (w) =>
      await w.t.app.request('/api/surveillance/boundaries', {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${w.auth.admin.token}`,
          'content-type': 'application/geo+json',
        },
        body: JSON.stringify({
          type: 'FeatureCollection',
          features: [
            {
              type: 'Feature',
              properties: { code: 'XV-N' },
              geometry: {
                type: 'Polygon',
                coordinates: [
                  [
                    [0, 0],
                    [1, 0],
                    [0, 0],
                  ],
                ],
              },
            },
          ],
        }),
      }),
  },
} satisfies Partial<Record<ServiceErrorCode, Case>>
