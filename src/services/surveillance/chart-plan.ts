/**
 * @module services/surveillance/chart-plan
 * How a chart computed as part of a dashboard view (view.ts) treats the budget. A chart asked
 * alone spends its own ε; inside a view the view spends once for all its charts (sequential
 * composition, Dwork & Roth 2014 Thm 3.14) and gives each chart its share as its ε, so the chart
 * draws its noise but spends nothing itself.
 */
import type { Budget } from '../../core/stats/index.ts'

export interface ChartPlan {
  /** Put in the chart's privacy metadata; the view replaces it with the asker's budget. */
  readonly budget: Budget
}
