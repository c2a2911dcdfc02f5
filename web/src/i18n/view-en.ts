/** English for the dashboard's view: its cost before Show, what it cost, and its notes. */
export const viewEn = {
  'chart.tooFew': 'too few to show',
  'view.pressShow':
    'Signed in as {name}. Noise is on, so nothing is shown until you press Show: its cost is said beside it.',
  'view.cost.checking': 'Working out what Show will cost…',
  'view.cost.none':
    'Show costs nothing: no noise (small counts hidden only). Budget left today: ε {remaining} of {daily}.',
  'view.cost.charge':
    'Show will cost ε {charge} once for all {charts} charts (ε {share} each). Budget left today: ε {remaining} of {daily}.',
  'view.cost.released':
    'Show costs nothing: this view was released already (on the same data, or in the last 15 minutes), so you get the same figures. Budget left today: ε {remaining} of {daily}.',
  'view.cost.over':
    'Show would cost ε {charge}, more than the ε {remaining} of {daily} left today, so it cannot run. Choose a smaller ε, no noise, or wait until 00:00 UTC.',
  'view.cost.failed': 'Could not work out the cost: {error}',
  'view.chargedTerm': 'This view cost',
  'view.charged.none': 'Nothing (no noise)',
  'view.charged.once': 'ε {charge}, once for all {charts} charts (ε {share} each)',
  'view.charged.released': 'Nothing: the same figures as released at {at}',
  'view.refusedTerm': 'Not shown',
  'view.refused': 'The view was refused whole, nothing was spent: {error}',
  'privacy.note.view':
    "The view's charts share one ε, split between them and charged once (sequential composition).",
  'privacy.note.released':
    'Released earlier for the same view (on the same data, or in the last 15 minutes): the same noisy figures, nothing charged.',
}
