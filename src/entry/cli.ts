/**
 * `vigil`: one program, many commands. Each command is an entry in COMMANDS with its own help;
 * later issues add theirs (audit, witness, monitor, import, …) the same way.
 */
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { EmbeddedBusyError, migrate } from '../platform/db/index.ts'
import { IdentityMismatchError } from '../platform/deployment/index.ts'
import { publicKeyViews } from '../platform/keys/index.ts'
import { rotateIssuerKey } from '../services/credentials/index.ts'
import { loadConfig, openDatabase, startRuntime, VERSION } from './runtime.ts'
import { type Lifetime, setWasmTiering } from './wasm-tiering.ts'

interface Command {
  summary: string
  usage: string
  /** How long it runs, for V8's WebAssembly tier-up budget (wasm-tiering.ts); default moments. */
  lifetime?: Lifetime
  run(args: string[]): Promise<number | undefined>
}

const COMMANDS: Record<string, Command> = {
  serve: {
    lifetime: 'server',
    summary: 'run the HTTP service (migrates the database and creates keys on first start)',
    usage: `vigil serve [--workers N]

  --workers N   N processes (node:cluster) accept on the one port; needs DATABASE_URL
                (Postgres). Default 1. About one per core: the service is CPU-bound.

With the embedded database, the other vigil commands run beside it and share its database;
it waits for a command that opened the database first (docs/OPERATIONS.md).
Configuration comes from the environment; see README.md.`,
    async run(args) {
      const { values } = parseArgs({ args, options: { workers: { type: 'string' } }, strict: true })
      const workers = values.workers === undefined ? 1 : Number(values.workers)
      if (!Number.isSafeInteger(workers) || workers < 1 || workers > 256) {
        console.error('vigil serve: --workers takes a whole number from 1 to 256')
        return 2
      }
      const { serveNode } = await import('./node.ts')
      await serveNode(process.env, { workers })
      return undefined // keep running
    },
  },
  migrate: {
    summary: 'apply database migrations (PGlite by default, Postgres with DATABASE_URL)',
    usage: 'vigil migrate',
    async run() {
      const database = await openDatabase(loadConfig())
      try {
        await migrate(database)
        console.log(`migrations applied (${database.kind})`)
      } finally {
        await database.close()
      }
      return 0
    },
  },
  'keys list': {
    summary: 'list public keys (log vkey, issuer JWK thumbprints), creating missing ones',
    usage: 'vigil keys list [--json]',
    async run(args) {
      const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true })
      const { ctx, database } = await startRuntime(loadConfig(), { migrate: true })
      try {
        const views = await publicKeyViews(ctx.keys, ctx.config.logOrigin)
        if (values.json) console.log(JSON.stringify(views, null, 2))
        else
          for (const k of views)
            console.log(
              `${k.purpose.padEnd(7)} ${k.status.padEnd(8)} ${k.algorithm.padEnd(8)} ${k.vkey ?? k.id}`,
            )
      } finally {
        await database.close()
      }
      return 0
    },
  },
  import: {
    lifetime: 'minutes',
    summary: 'issue credentials in bulk from an NDJSON or CSV file (idempotent by row key)',
    usage: `vigil import FILE [--format ndjson|csv] [--source NAME] [--report OUT.ndjson]

NDJSON: one issuing request per line (as POST /api/credentials), with an optional "rowKey".
CSV columns: row_key, type, given_names, family_name, birth_date, region, code, date,
lot_number, performer, result (one immunization or test per row).
Rows are keyed by source and row key (or content), so a re-run issues nothing twice.
Exit 0: every row issued (now or before); 1: some rows failed (listed on stderr); 2: usage.`,
    async run(args) {
      const { runImport } = await import('./commands/import.ts')
      return runImport(args)
    },
  },
  'keys rotate': {
    summary:
      'retire the active issuer key (it stays published) and create a new one, in the ledger',
    usage:
      'vigil keys rotate\n\nOld public keys stay in /.well-known/jwks.json so earlier cards keep verifying.',
    async run() {
      const { ctx, database } = await startRuntime(loadConfig(), { migrate: true })
      try {
        const { retired, created } = await rotateIssuerKey(ctx)
        console.log(`issuer key rotated: ${retired ?? '(none)'} -> ${created}`)
      } finally {
        await database.close()
      }
      return 0
    },
  },
  'log rotate': {
    summary:
      'freeze the log shard (final cosigned checkpoint) and start a new one: new origin, new key',
    usage: `vigil log rotate [--min-age SECONDS] [--json]

Freezes the active log shard: it becomes read-only, with a final checkpoint (its last tree,
signed by its key with a \`final\` line) that the configured witnesses are asked to cosign; its
reads stay at /log/<id>/…. Starts shard N+1 with origin <log origin>/N+1 and a new log key;
running servers append there within seconds. Safe beside running servers; two rotations
started together make one new shard (docs/LEDGER.md "Shards").

  --min-age S  do nothing when the active shard started less than S seconds ago (default 3600):
               a second rotation started with the first, or a job run twice, makes no shard
  --json       print the shards frozen and started, and each witness's answer, as JSON

Exit 0: rotated; 3: not rotated (another rotation froze the shard first, or it is younger than
--min-age); 2: an error.`,
    async run(args) {
      const { runLogRotate } = await import('./commands/log.ts')
      return runLogRotate(args)
    },
  },
  'log shards': {
    summary: "list the log's shards: id, state, origin, key, period, final size",
    usage: `vigil log shards [--cosign] [--json]

  --cosign  ask the configured witnesses (VIGIL_WITNESSES) again to cosign each frozen shard's
            final checkpoint, e.g. when one was down during the rotation
  --json    print the shards as JSON`,
    async run(args) {
      const { runLogShards } = await import('./commands/log.ts')
      return runLogShards(args)
    },
  },
  'identity show': {
    summary: "show the deployment's recorded identity: public URL, issuer URL, log origin",
    usage: `vigil identity show [--json]

The identity is recorded on first start and read by every later process; an environment
whose PUBLIC_URL, PORT or VIGIL_LOG_ORIGIN names another one is refused.

  --json  print it as JSON`,
    async run(args) {
      const { runIdentityShow } = await import('./commands/identity.ts')
      return runIdentityShow(args)
    },
  },
  'identity set-url': {
    summary: 'change the public URL on purpose; new cards carry it as their issuer (iss)',
    usage: `vigil identity set-url URL

Records URL as the public URL and the issuer URL of the cards issued from now on. The
former issuer URL stays this issuer's, so earlier cards keep verifying here. The log origin
never changes (another origin is another log). Passkeys are bound to the old host name: staff
enrol again on the new one. Running servers pick the change up within seconds; restart them
for links, page headers and passkeys. Exit 0: recorded; 2: a usage mistake.`,
    async run(args) {
      const { runIdentitySetUrl } = await import('./commands/identity.ts')
      return runIdentitySetUrl(args)
    },
  },
  audit: {
    lifetime: 'minutes',
    summary: 'recompute the log from its entries and check every tile and checkpoint against it',
    usage: `vigil audit [--url URL] [--static] [--vkey VKEY]... [--json]

Checks every leaf hash, tile, entry bundle and checkpoint (signature, root, prev link,
consistency) against the tree recomputed from the entries. Exit 0: consistent; 1: the first
disagreement is named; 2: the audit could not run.

  --url URL    audit a remote Vigil through /log/ instead of the configured database, or a
               published static copy (checkpoint, tiles, entry bundles only) at URL or
               URL/log; --vkey is then required. Names the first missing or wrong object
  --static     URL is a static tlog-tiles copy (skip the probe for a Vigil API)
  --vkey VKEY  the log's verifier key, repeatable (rotated keys). Default: the key store's
               log keys, or the key the --url server publishes (pin it: a server can lie)
  --json       print the whole report as JSON on stdout`,
    async run(args) {
      const { runAudit } = await import('./commands/audit.ts')
      return runAudit(args)
    },
  },
  witness: {
    lifetime: 'minutes',
    summary: 'run a witness: cosign checkpoints of other logs only when consistent (tlog-witness)',
    usage: `vigil witness --log "<origin> <vkey>"... [--logs FILE] [--data DIR]
              [--port N] [--host H] [--name NAME]

Cosigns checkpoints of the logs it follows (c2sp.org/tlog-witness) only when they are consistent
with everything it cosigned before; keeps evidence of any inconsistency.

  --log SPEC   a log to follow: "<origin> <vkey>" or just the vkey (its name is the origin);
               repeatable (several logs, or several keys of one log)
  --logs FILE  the same, one per line ('#' comments)
  --data DIR   state directory: witness.key and the PGlite database (default ./.vigil-witness);
               DATABASE_URL puts the state in Postgres instead
  --port N     HTTP port (default 8788); --host H address (default 127.0.0.1)
  --name NAME  the cosigner key's name when it is created (default <hostname>/witness)

Serves POST /witness/add-checkpoint, GET /witness/<sha256(origin) hex>/checkpoint,
GET /witness/evidence and GET /witness. Exit 2 on a usage or configuration mistake.`,
    async run(args) {
      const { runWitness } = await import('./commands/witness.ts')
      return runWitness(args)
    },
  },
  monitor: {
    lifetime: 'minutes',
    summary: 'follow a remote log: check consistency, recompute public totals, alert on new keys',
    usage: `vigil monitor URL [--state FILE] [--vkey VKEY] [--expect-key KID]... [--once]
              [--interval S] [--json]

Follows the log of the Vigil at URL through its checkpoint, tiles and entry bundles. Each new
checkpoint must be signed by the log key and consistent with the last one seen (the log's
proof, and the root recomputed from the new entries). Recomputes credentials issued and revoked
per issuer key and UTC day. Alerts (stderr) on inconsistency and on issuer-key entries not in
the expected set.

  --state FILE      where the last checkpoint, compact range and totals are kept
                    (default ./vigil-monitor.json)
  --vkey VKEY       the log's verifier key (default: the one in the state file, else the one
                    the server publishes, trusted on first use)
  --expect-key KID  an issuer key id that may be announced; repeatable (none given: no alert)
  --once            one step, then exit 0 (no alert), 1 (alerts) or 2 (could not run)
  --interval S      seconds between steps (default 60)
  --json            one JSON line per step`,
    async run(args) {
      const { runMonitor } = await import('./commands/monitor.ts')
      return runMonitor(args)
    },
  },
  verify: {
    summary:
      'verify one certificate (EU DCC HC1 against DSCs from a file or a deployment) and print the verdict',
    usage: `vigil verify TEXT|FILE [--url URL]... [--vkey VKEY] [--now T] [--max-age S]
vigil verify HC1:…|FILE [--dcc-trust FILE] [--dcc-revoked FILE] [--now T] [--max-age S]
                    [--rules-country CC --dcc-rules FILE [--dcc-value-sets FILE] [--lang L]]
vigil verify HC1:…|FILE --url URL [--vkey VKEY] [--rules-country CC] [--lang L] [--now T]
vigil verify shlink:/…|VIEWER-URL [--url URL]... [--passcode P] [--recipient NAME]
                    [--save-fhir FILE] [--now T] [--max-age S]

TEXT is the scanned text (shc:/…, HC1:…), a SMART Health Link, or a FILE (a .smart-health-card
file, or the text) that exists. Prints the Verdict and its plain sentence as JSON; exits 0
(valid), 1 (invalid) or 3 (cannot confirm).

  --url URL           a Vigil deployment to trust, for every kind of input, verified with its log
                      key: for SMART Health Cards (scanned, a file, or in a link) its signed
                      /trust/material and its ledger (inclusion proof, revocation) — give --url
                      more than once to trust several; for an EU certificate (one --url) its
                      signed /trust/dcc (DSCs, revocations, each list's age and max age) and, with
                      --rules-country, the country's rules from its signed /trust/material.
                      Exit 2 if its data fail. (--trust URL is the same, its earlier name.)
  --vkey VKEY         the deployment's log key (signed-note verifier key) to check them with;
                      without it the key is read from URL/log/key (the JSON says pinned: false)
  --now T             the validation clock: POSIX seconds or an ISO date (default: now)
  --max-age S         refuse to vouch with trust data older than S seconds
  --dcc-trust FILE    EU DCC signer certificates by kid: {"<kid base64>": "<DSC base64 DER>"},
                      a value may also be {"certificate": …, "country": "AT"} or a list of them
  --dcc-revoked FILE  revoked DCC hashes: {"<kid>": {"UCI"|"COUNTRYCODEUCI"|"SIGNATURE": [base64]}}
  --rules-country CC  also apply the EU business rules (CertLogic) of the country of arrival CC,
                      read from --dcc-rules FILE: a JSON array of EU rules, as the gateway
                      distributes them (vigil trust dcc rules import takes the same file)
  --dcc-value-sets F  the value sets the rules read: {"<value set id>": ["<code>", …]}
  --lang L            language of the failed rule's description (default en)

Without --url a SMART Health Card comes out "cannot confirm": nothing here vouches for its issuer.

A SMART Health Link (shlink:/…, or a viewer URL ending in #shlink:/…) is opened: the manifest is
asked for with --recipient (default "vigil verify", shown to the sharer) and --passcode when the
link has flag P, every file is decrypted, and every card in it is verified against the
deployments given with --url. Prints the link, each card's verdict and the FHIR bundle's summary
as JSON; --save-fhir FILE writes the decrypted bundle. Exits 0 (every card valid), 1 (a card
invalid, or the link refused: 404, wrong passcode), 2 (usage, or a passcode is needed) or 3
(cannot confirm, or the server could not be reached).`,
    async run(args) {
      const { runVerify } = await import('./commands/verify.ts')
      return runVerify(args)
    },
  },
  'exposure export': {
    summary: 'write signed exposure-key exports for closed windows (vigil serve does it hourly)',
    usage: `vigil exposure export [--json]

Exports every closed window (6 h, published 2 h after it closes) that has new keys: sorted,
padded with fake keys to at least 1,000, split into files, signed with the export key. Each
zip is stored, listed in /exposure/index.txt and its SHA-256 appended to the ledger.
Exit 0 (also when nothing is new); 2: the export could not run.

  --json  print the files written as JSON`,
    async run(args) {
      const { runExposureExport } = await import('./commands/exposure.ts')
      return runExposureExport(args)
    },
  },
  'exposure cleanup': {
    summary:
      'delete exposure codes, tokens, keys and export files past retention (hourly in serve)',
    usage: `vigil exposure cleanup [--json]

Deletes verification codes 12 h after their long code expired, one-time tokens 6 h after they
expired, published keys 14 days after their export window was published, and export files 14
days after their window ended (their SHA-256 stays in the ledger). vigil serve does the same
hourly, after the export job. Exit 0 with the counts; 2: the cleanup could not run.

  --json  print the counts as JSON`,
    async run(args) {
      const { runExposureCleanup } = await import('./commands/exposure.ts')
      return runExposureCleanup(args)
    },
  },
  'exposure simulate': {
    lifetime: 'minutes',
    summary: 'simulate phones meeting, uploading, downloading exports and matching (end to end)',
    usage: `vigil exposure simulate [--phones N] [--days D] [--seed S] [--json]

Synthetic phones roll keys, meet and record each other's RPIs; some test positive, redeem a
tracer's code and publish their keys through the real HTTP API; the export job runs; every phone
downloads index.txt and the zips and matches locally. Runs on a fresh in-memory database with a
simulated clock (the configured database is not touched); the same seed gives the same run.
Exit 0: every exposed phone matched and no other did; 1: a missed or false match; 2: error.

  --phones N  phones (default 30)
  --days D    days simulated, 1–13 (default 3)
  --seed S    seed of the simulation (default 1)
  --json      print the report as JSON`,
    async run(args) {
      const { runExposureSimulate } = await import('./commands/exposure.ts')
      return runExposureSimulate(args)
    },
  },
  'trust rules publish': {
    summary:
      'publish entry rule sets (vigil-rules/v1) for venues: a ledger entry, then trust material',
    usage: `vigil trust rules publish FILE

FILE is a vigil-rules/v1 JSON document (docs/rules-example.json). Its exact bytes become the
next release: their SHA-256 is logged as a verifier-release entry (key id rules:<release>) and
the release is served in the signed trust material. Exit 0: published; 1: refused; 2: usage.`,
    async run(args) {
      const { runTrustRulesPublish } = await import('./commands/trust.ts')
      return runTrustRulesPublish(args)
    },
  },
  'trust dcc rules import': {
    summary: "import a country's EU DCC business rules (CertLogic) for venues: a ledger entry each",
    usage: `vigil trust dcc rules import COUNTRY FILE

FILE is a JSON array of EU validation rules (CertLogic), as the EU gateway distributes a
country's rules; COUNTRY (ISO 3166-1 alpha-2) must own every rule. Its exact bytes become the
country's next release: their SHA-256 is logged as a verifier-release entry (key id
dcc-rules:<COUNTRY>:<release>) and the latest release per country is served in the signed trust
material, where a venue picks the country of arrival. Exit 0: imported; 1: refused; 2: usage.`,
    async run(args) {
      const { runTrustDccRulesImport } = await import('./commands/trust.ts')
      return runTrustDccRulesImport(args)
    },
  },
  'trust dcc valuesets import': {
    summary: 'import the EU value sets that DCC business rules read: a ledger entry each',
    usage: `vigil trust dcc valuesets import FILE

FILE: {"<value set id>": ["<code>", …]} (e.g. vaccines-covid-19-names), the value sets the rules
read as external.valueSets. Its exact bytes become the next release: their SHA-256 is logged as a
verifier-release entry (key id dcc-valuesets:<release>) and the latest release is served in the
signed trust material beside the rules. Exit 0: imported; 1: refused; 2: usage.`,
    async run(args) {
      const { runTrustDccValueSetsImport } = await import('./commands/trust.ts')
      return runTrustDccValueSetsImport(args)
    },
  },
  'release publish': {
    summary: "log the web pages' release manifest (vigil serve does it at start when it is new)",
    usage: `vigil release publish [FILE]

FILE defaults to web/dist/release.json, written by npm run build:web. Its SHA-256 is logged as a
verifier-release entry (key id web:<release>) and listed in GET /release/feed.json; the same
manifest again is a no-op (docs/RELEASES.md). Exit 0: published; 1: refused; 2: usage.`,
    async run(args) {
      const { runReleasePublish } = await import('./commands/release.ts')
      return runReleasePublish(args)
    },
  },
  'release verify': {
    summary: 'rebuild a published web release from its commit and compare the manifests',
    usage: `vigil release verify --url URL [--release N]
vigil release verify --manifest FILE

Fetches the manifest (URL/release.json, or URL/release/N.json), rebuilds the pages from the commit
it names (git archive of this repository, this checkout's node_modules: the commit's
package-lock.json must equal this one) and compares byte for byte. Exit 0: identical;
1: different (the differing paths are listed) or not rebuildable; 2: usage.`,
    async run(args) {
      const { runReleaseVerify } = await import('./commands/release.ts')
      return runReleaseVerify(args)
    },
  },
  'trust issuers import': {
    summary: "replace the issuer directory (display names) from the VCI directory's JSON format",
    usage: `vigil trust issuers import FILE

FILE: {"participating_issuers": [{"iss", "name", "website"?, "canonical_iss"?}]}, the format
of the VCI directory. Names only: keys come from trusted issuers (PUT /api/trust/issuers).
Exit 0: imported; 1: refused (nothing changed); 2: usage.`,
    async run(args) {
      const { runTrustIssuersImport } = await import('./commands/trust.ts')
      return runTrustIssuersImport(args)
    },
  },
  'trust dcc import': {
    summary: 'import an EU DCC / WHO GDHCN signer list: checked, stored, its SHA-256 logged',
    usage: `vigil trust dcc import --format eu-dto|verifier-service|jwks|did FILE
          [--name NAME] [--source URL] [--max-age S] [--signer-key FILE] [--allow-problems]
          [--trust-anchor FILE]...

FILE is the list as published: the EU gateway TrustListDto JSON, a verifier-service capture
({"signercertificateStatus": [kid], "signercertificateUpdate": [{"kid", "rawData"}], "cscas"?}),
a JWK Set with x5c, or a GDHCN DID trust list v2 document (its JsonWebSignature2020 proof is
verified with --signer-key: the signing DID's document, or {"<method id>": JWK}). DSCs must
chain to their country's CSCA where the list carries one. The snapshot's SHA-256 is logged as
a trust-list entry (key id dcc:NAME; NAME defaults to the file name); the same bytes again log
nothing and only renew the list's age. --max-age: seconds verifiers rely on it (default 2 days).
--allow-problems keeps the good entries of a list some of whose entries are refused.
--trust-anchor FILE (PEM, one or more certificates, or DER; repeatable): the EU gateway trust
anchor (DCCG_TA). With it every CSCA and UPLOAD entry of an eu-dto list must carry the
anchor's CMS signature and every DSC its country's upload CMS by one of the list's UPLOAD
certificates (DCC_LIST_SIGNATURE otherwise); without it the signatures are not checked and
the import says so.
Served signed at GET /trust/dcc. Exit 0: imported or unchanged; 1: refused; 2: usage.`,
    async run(args) {
      const { runTrustDccImport } = await import('./commands/trust-dcc.ts')
      return runTrustDccImport(args)
    },
  },
  'trust dcc revocations import': {
    summary: 'import an EU DCC revocation hash list (vigil-dcc-revocations/v1), logged',
    usage: `vigil trust dcc revocations import FILE [--name NAME] [--source URL] [--max-age S]

FILE: {"format": "vigil-dcc-revocations/v1", "batches": [{"country", "kid", "hashType":
UCI|COUNTRYCODEUCI|SIGNATURE, "expires", "entries": [{"hash": base64 of 16 bytes}]}]}, the EU
gateway's revocation batches (docs/VERIFIER.md). Logged and served like a signer list.
Exit 0: imported or unchanged; 1: refused; 2: usage.`,
    async run(args) {
      const { runTrustDccRevocationsImport } = await import('./commands/trust-dcc.ts')
      return runTrustDccRevocationsImport(args)
    },
  },
  'regions load': {
    summary:
      'load the places and population (CSV) or their outlines (TopoJSON/GeoJSON); replaces them',
    usage: `vigil regions load FILE

A CSV replaces the place hierarchy and population by age band:
CSV header: code,name,level,parent,0-4,5-11,12-17,18-29,30-39,40-49,50-59,60-69,70-79,80+
level is country, region or district (in that order of parents); codes are ISO 3166-2 style
(XV, XV-N, XV-N01); populations are given for districts only. data/regions-xv.csv is a sample.

A TopoJSON or GeoJSON file (WGS 84 longitude/latitude) replaces the outlines the dashboard's map
draws. Each Polygon/MultiPolygon feature is matched to a loaded place by its id or its code
property (also iso_3166_2, shapeISO), else by a name only one place has. Features matching no
place and places left without an outline are listed. data/boundaries-xv.topojson is a sample.
Exit 0: loaded; 1: the file is invalid or matches no place (nothing changed); 2: usage.`,
    async run(args) {
      const { runRegionsLoad } = await import('./commands/demo.ts')
      return runRegionsLoad(args)
    },
  },
  demo: {
    summary: 'seed a synthetic year: places, credentials, exposure codes and bulk facts',
    usage: `vigil demo [--facts N] [--seed S] [--credentials N] [--codes N] [--regions FILE]
           [--boundaries FILE]

Loads the places (default data/regions-xv.csv, a fictional country) and their outlines (default
data/boundaries-xv.topojson with the default places, none with other places), issues --credentials
credentials through the real issuing path (signed, in the ledger, about 5% revoked) and --codes
exposure codes (most redeemed), then writes --facts synthetic facts of the last 365 days
(vaccination campaigns by age, boosters, three epidemic waves, tests, exposure activity) with
their rollups, showing a progress bar and the ingest rate. Same seed, same data.

  --facts N        bulk facts (default 200000; the benchmark uses 10000000)
  --seed S         seed (default 1)
  --credentials N  credentials issued for real (default 120)
  --codes N        exposure codes issued (default 30)
  --regions FILE   places CSV (see vigil regions load)
  --boundaries FILE  outlines, TopoJSON or GeoJSON (see vigil regions load)`,
    async run(args) {
      const { runDemo } = await import('./commands/demo.ts')
      return runDemo(args)
    },
  },
  'admin invite': {
    summary: 'invite a person: prints a one-time link that enrols their passkey with roles',
    usage: `vigil admin invite --name NAME --role ROLE [--role ROLE]... [--hours N]

Prints the enrolment link alone on stdout. It works once, until it expires; only a hash of its
secret is stored. A new installation without an administrator prints one at every start.

  --name NAME  the person's name as staff will see it
  --role ROLE  admin, issuer, tracer, epidemiologist or auditor; repeatable
  --hours N    hours until the link expires, 1..336 (default 72)`,
    async run(args) {
      const { runAdminInvite } = await import('./commands/admin.ts')
      return runAdminInvite(args)
    },
  },
  'admin digest': {
    summary: "append the audit trail's daily digests to the ledger (vigil serve does it hourly)",
    usage: `vigil admin digest [--verify]

Digests every complete UTC day not digested yet and appends each digest to the ledger.
  --verify  also recompute every day from the audit rows and compare with the ledger
            (exit 1 naming the first day that no longer matches)`,
    async run(args) {
      const { runAdminDigest } = await import('./commands/admin.ts')
      return runAdminDigest(args)
    },
  },
  'tokens create': {
    summary: 'create an API token with roles (prints its secret once); makes the first admin',
    usage: `vigil tokens create --name NAME --role ROLE [--role ROLE]... [--days N]

Prints the token (vgl_<id>_<secret>) alone on stdout; it is shown only this once and only its
SHA-256 is stored, so keep it in a secret store. Send it as "Authorization: Bearer <token>".

  --name NAME  who or what holds it, e.g. "records system, clinic A"
  --role ROLE  admin, issuer, tracer, epidemiologist or auditor; repeatable
  --days N     days until it expires, 1..365 (default 90)`,
    async run(args) {
      const { runTokensCreate } = await import('./commands/tokens.ts')
      return runTokensCreate(args)
    },
  },
  'tokens list': {
    summary: 'list API tokens: id, status, expiry, roles, name (never secrets)',
    usage: `vigil tokens list [--json]

  --json  print every field (created, expires, revoked, last used) as JSON on stdout`,
    async run(args) {
      const { runTokensList } = await import('./commands/tokens.ts')
      return runTokensList(args)
    },
  },
  'tokens revoke': {
    summary: 'revoke an API token at once (by the id that tokens list shows)',
    usage: `vigil tokens revoke ID

Exit 0: revoked (or already revoked); 1: no token has this id; 2: a usage mistake.`,
    async run(args) {
      const { runTokensRevoke } = await import('./commands/tokens.ts')
      return runTokensRevoke(args)
    },
  },
}

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length))
  return `vigil ${VERSION}: public-health credentials anchored in a transparency log

Usage: vigil <command> [options]   (vigil <command> --help for details)

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
  .join('\n')}
`
}

/** The longest run of leading words that names a command. */
function commandName(argv: string[]): string | undefined {
  const words = argv.filter((a) => !a.startsWith('-'))
  return [4, 3, 2, 1].map((n) => words.slice(0, n).join(' ')).find((n) => n in COMMANDS)
}

export async function main(argv: string[]): Promise<number | undefined> {
  const words = argv.filter((a) => !a.startsWith('-'))
  const name = commandName(argv)
  const wantsHelp = argv.includes('--help') || argv.includes('-h')
  if (name === undefined) {
    if (argv.length === 0 || wantsHelp || words[0] === 'help') {
      console.log(mainHelp())
      return 0
    }
    console.error(`vigil: unknown command "${words.join(' ')}"\n\n${mainHelp()}`)
    return 2
  }
  const command = COMMANDS[name] as Command
  if (wantsHelp) {
    console.log(`${command.summary}\n\nUsage: ${command.usage}`)
    return 0
  }
  const rest = argv.slice(argv.indexOf(name.split(' ').at(-1) as string) + 1)
  try {
    return await command.run(rest)
  } catch (err) {
    if (
      err instanceof TypeError &&
      'code' in err &&
      String(err.code).startsWith('ERR_PARSE_ARGS')
    ) {
      console.error(`vigil ${name}: ${err.message}`)
      return 2
    }
    // One line each, not a stack: the environment disagrees with the recorded identity (2), or
    // the embedded database is held by a process this one cannot wait for (75, EX_TEMPFAIL).
    if (err instanceof IdentityMismatchError) {
      console.error(`vigil ${name}: ${err.message}`)
      return 2
    }
    if (err instanceof EmbeddedBusyError) {
      console.error(`vigil ${name}: ${err.message}`)
      return 75
    }
    throw err
  }
}

/** The program: `main` on the arguments, then exit with its code (none: `serve` keeps running). */
export async function run(): Promise<void> {
  const argv = process.argv.slice(2)
  // Here, not in main(): tests call main() in a process whose own PGlite keeps V8's default.
  const name = commandName(argv)
  setWasmTiering((name === undefined ? undefined : COMMANDS[name]?.lifetime) ?? 'moments')
  const code = await main(argv)
  if (code !== undefined) process.exit(code)
}

// Run directly (`node --import tsx src/entry/cli.ts`); bin/vigil.js calls run(), tests call main().
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  await run()
