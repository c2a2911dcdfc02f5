export {
  CHECKPOINT_KEY,
  checkpointSize,
  PublishError,
  type PublishOptions,
  type PublishResult,
  publishLog,
} from './publish.ts'
export type { PublishedCopyView, PublishStatus } from './status.ts'
