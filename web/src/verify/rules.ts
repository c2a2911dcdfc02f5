/**
 * Entry rules at the door: the venue picks one of the rule sets its authority published in the
 * signed trust material (settings, kept on this device), and each valid card shows whether it
 * meets it and, if not, why — evaluated here by core/rules, offline. Rule sets whose text does
 * not match the hash logged for them are refused (RULES_HASH_MISMATCH) and never offered. The
 * release's own ledger entry is proved too (core/verify/rule-proof): the proof is fetched while
 * online, kept on the device and checked again offline, so the venue can show which rules it
 * applied; a proof that fails (VERIFY_RULES_PROOF) refuses the rules.
 */
import { createLogClient } from '../../../src/core/log-client/index.ts'
import {
  evaluate,
  openRuleSetText,
  type Reason,
  type RuleSet,
} from '../../../src/core/rules/index.ts'
import {
  checkRuleProof,
  fetchRuleProof,
  type OpenedTrustMaterial,
  type ProvenRules,
  parseRuleProof,
  type Verdict,
  VerifyError,
} from '../../../src/core/verify/index.ts'
import { byId, el } from '../dom.ts'
import { lang, type MessageKey, onLangChange, t } from '../i18n/index.ts'
import { cachingFetcher, type LoadedDeployment } from './data.ts'

const KEY = 'vigil.verify.ruleSet'
const PROOF_KEY = 'vigil.verify.rulesProof'
let ruleSets: RuleSet[] = []
let release: number | undefined
let refused: string | undefined
/** The release's verified place in the ledger; 'checking' until known, 'unproven' offline. */
let proof: ProvenRules | 'checking' | 'unproven' = 'checking'
/** Each new source supersedes the proofs still running for an older one. */
let generation = 0

function chosen(): RuleSet | undefined {
  const name = localStorage.getItem(KEY)
  return ruleSets.find((s) => s.name === name)
}

function title(set: RuleSet): string {
  return set.title[lang()] ?? set.title.en ?? set.name
}

/** Adds the rule-set picker to the settings panel (once, at start). */
export function mountRuleSettings(): void {
  const select = el('select', { id: 'rule-set', 'aria-describedby': 'rule-set-hint' })
  // Rule titles are the authority's text, of any length: never wider than the phone (CSSOM,
  // which the page's CSP allows, unlike a style attribute).
  select.style.maxWidth = '100%'
  select.addEventListener('change', () => {
    if (select.value === '') localStorage.removeItem(KEY)
    else localStorage.setItem(KEY, select.value)
  })
  const label = el('label', { for: 'rule-set' }, t('rules.setting'))
  label.dataset.i18n = 'rules.setting'
  const hint = el('p', { id: 'rule-set-hint', class: 'hint' })
  const before = byId('deployments-heading')
  before.before(el('p', {}, label, select), hint)
  onLangChange(fillOptions)
  fillOptions()
}

function fillOptions(): void {
  const select = document.getElementById('rule-set') as HTMLSelectElement | null
  if (select === null) return
  const current = chosen()?.name ?? ''
  select.replaceChildren(
    el('option', { value: '' }, t('rules.none')),
    ...ruleSets.map((s) => el('option', { value: s.name }, title(s))),
  )
  select.value = current
  const hint = byId('rule-set-hint')
  hint.dataset.proof = typeof proof === 'string' ? proof : 'verified'
  hint.textContent =
    refused !== undefined
      ? t('rules.refused', { code: refused })
      : release === undefined
        ? t('rules.unpublished')
        : proofText()
}

function proofText(): string {
  if (release === undefined) return ''
  if (proof === 'checking') return t('rules.release', { release })
  if (proof === 'unproven') return t('rules.unproven', { release })
  return t('rules.proven', { release: proof.release, index: proof.leafIndex })
}

/** The kept proof of this log's rule release (checked by the caller, never trusted). */
function keptProof(material: OpenedTrustMaterial) {
  try {
    const kept = JSON.parse(localStorage.getItem(PROOF_KEY) ?? 'null') as {
      origin?: unknown
      proof?: unknown
    } | null
    return kept?.origin === material.log.origin ? parseRuleProof(kept.proof) : undefined
  } catch {
    return undefined
  }
}

/** Verifies the release's inclusion: the kept proof first (offline), else a fresh one. */
async function proveRelease(d: LoadedDeployment): Promise<ProvenRules> {
  const now = Math.floor(Date.now() / 1000)
  const kept = keptProof(d.material)
  if (kept !== undefined) {
    try {
      return await checkRuleProof(d.material, kept, now)
    } catch {} // an older release's proof, say: fetch the current one
  }
  const fresh = await fetchRuleProof(d.material, createLogClient(d.base, cachingFetcher))
  const proven = await checkRuleProof(d.material, fresh, now)
  try {
    localStorage.setItem(PROOF_KEY, JSON.stringify({ origin: d.material.log.origin, proof: fresh }))
  } catch {}
  return proven
}

/** Takes the rule sets from the first deployment whose verified trust material has some. */
export function setRuleSource(loaded: readonly LoadedDeployment[]): void {
  const home = loaded.find((d) => d.material.rules !== undefined)
  const rules = home?.material.rules
  const mine = ++generation
  ruleSets = []
  release = undefined
  refused = undefined
  proof = 'checking'
  if (home !== undefined && rules !== undefined) {
    try {
      const sets = [...openRuleSetText(rules.text, rules.sha256).ruleSets]
      release = rules.release
      void proveRelease(home).then(
        (proven) => {
          if (mine !== generation) return
          proof = proven
          ruleSets = sets
          fillOptions()
        },
        (err: unknown) => {
          if (mine !== generation) return
          if (err instanceof VerifyError && err.code === 'VERIFY_RULES_PROOF') {
            refused = err.code // the log does not hold these rules: never apply them
          } else {
            proof = 'unproven' // not logged yet, or no network and no kept proof
            ruleSets = sets
          }
          fillOptions()
        },
      )
    } catch (err) {
      refused = (err as { code?: string }).code ?? 'RULES_FORMAT'
    }
  }
  fillOptions()
}

function reasonText(reason: Reason): string {
  return t(`rules.${reason.code}` as MessageKey, reason.params)
}

/**
 * Shows, right under the verdict, whether a valid card meets the chosen rule set; returns
 * whether it does (undefined when no rule set is chosen or the card is not valid).
 */
export function renderRuleOutcome(verdict: Verdict): boolean | undefined {
  let box = document.getElementById('rule-outcome')
  if (box === null) {
    box = el('p', { id: 'rule-outcome', class: 'rule-outcome' })
    byId('verdict').after(box)
  }
  const set = chosen()
  if (set === undefined || verdict.status !== 'valid' || verdict.summary === undefined) {
    box.hidden = true
    return undefined
  }
  const outcome = evaluate(set, verdict.summary, verdict.now)
  box.hidden = false
  box.dataset.meets = String(outcome.meets)
  box.dataset.codes = outcome.reasons.map((r) => r.code).join(' ')
  const head = outcome.meets
    ? t('rules.meets', { rule: title(set) })
    : t('rules.fails', { rule: title(set) })
  box.dataset.proof = typeof proof === 'string' ? proof : 'verified'
  box.replaceChildren(
    el('span', { class: 'rule-icon', 'aria-hidden': 'true' }, outcome.meets ? '✓ ' : '✗ '),
    el('strong', {}, head),
    ...(outcome.meets ? [] : [el('br'), outcome.reasons.map(reasonText).join('; ')]),
    el('br'),
    el('small', { class: 'rule-proof' }, proofText()),
  )
  return outcome.meets
}
