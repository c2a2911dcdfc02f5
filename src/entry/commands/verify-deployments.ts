/**
 * @module entry/commands/verify-deployments
 * The deployments `vigil verify --url` trusts for SMART Health Cards (scanned, or inside a SMART
 * Health Link): each one's signed /trust/material, checked under its log key — pinned with
 * `--vkey` (one deployment), else the key the deployment publishes at /log/key, as its own
 * verifier page does — and its ledger, read over HTTP for the inclusion proof and revocation.
 */
import { createLogClient } from '../../core/log-client/index.ts'
import {
  checkDeploymentUrl,
  httpLedgerSource,
  type LedgerSource,
  type OpenedTrustMaterial,
  openTrustMaterial,
  type VerifyOptions,
} from '../../core/verify/index.ts'

export interface TrustedDeployment {
  readonly url: string
  readonly vkey: string
  readonly pinned: boolean
  readonly material: OpenedTrustMaterial
  readonly ledger: LedgerSource
}

/** Loads every deployment (each URL https://…, or http on a loopback host); throws on the first failure. */
export async function loadDeployments(
  urls: readonly string[],
  pinnedVkey: string | undefined,
): Promise<TrustedDeployment[]> {
  return Promise.all(
    urls.map(async (url) => {
      const base = checkDeploymentUrl(url.replace(/\/+$/, ''))
      const vkey = pinnedVkey ?? (await createLogClient(base, fetch).key())
      const res = await fetch(`${base}/trust/material`, { redirect: 'error' })
      if (!res.ok) throw new Error(`${base}/trust/material answered ${res.status}`)
      const material = await openTrustMaterial(await res.text(), vkey)
      return {
        url: base,
        vkey,
        pinned: pinnedVkey !== undefined,
        material,
        ledger: httpLedgerSource(base, fetch),
      }
    }),
  )
}

/** The SMART Health Card part of the verifier's options: these deployments and their ledgers. */
export function shcOptions(
  deployments: readonly TrustedDeployment[],
): Pick<VerifyOptions, 'trust' | 'ledger'> {
  const ledgers = new Map(deployments.map((d) => [d.material, d.ledger]))
  return { trust: deployments.map((d) => d.material), ledger: (m) => ledgers.get(m) }
}

/** What the JSON output says about the deployments trusted (no material, just who and how). */
export const describeDeployments = (deployments: readonly TrustedDeployment[]) =>
  deployments.map((d) => ({ url: d.url, vkey: d.vkey, pinned: d.pinned }))
