/**
 * @module services/surveillance/chart-plan
 * How a chart computed as part of a dashboard view (view.ts) treats noise and budget. A chart
 * asked alone spends its own ε; inside a view the view spends once for all its charts
 * (sequential composition, Dwork & Roth 2014 Thm 3.14) and tells each chart its share. The view
 * computes every chart twice when it must: first exact (`draw: false`, nothing drawn or shown),
 * to learn the exact tables it reads and so whether a release of the same view on the same data
 * exists, then with noise.
 */
import type { Budget } from '../../core/stats/index.ts'

export interface ChartPlan {
  /** Draw noise (the view's share of ε); false: the exact figures, for the fingerprint only. */
  readonly draw: boolean
  /** The exact inputs, before noise: the view's fingerprint of the data it reads. */
  see(exact: unknown): void
  /** Put in the chart's privacy metadata; the view replaces it with the asker's budget. */
  readonly budget: Budget
}
