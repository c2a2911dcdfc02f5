/**
 * @module services/publish/status
 * What the operator sees of the published copy (GET /log/published, the logs): the last size
 * published, the last failure, and the last scheduled audit of the copy with its first finding.
 * Log paths and codes only: the copy is public and holds no personal data.
 */
import type { ObjectStore } from '../../platform/object-store/index.ts'

export interface PublishStatus {
  store: string
  /** Tree size of the checkpoint the copy holds, after the last successful run. */
  size?: string
  publishedAt?: string
  /** The last run's failure, cleared by a run that succeeds. */
  error?: { code: string; key?: string; message: string; at: string }
  audit?: {
    at: string
    ok: boolean
    size: string
    entries: string
    /** The first missing or wrong object (code, its path, why). */
    finding?: { code: string; at: string; message: string }
  }
}

/** The published copy as the app sees it: its store (to serve from) and its status. */
export interface PublishedCopyView {
  readonly store: ObjectStore
  status(): PublishStatus
}
