/** English for the dashboard's maps and curves (issue 22) and the privacy notes the API sends. */
export const mapsEn = {
  'mc.heading': 'Maps and curves',
  'mc.lede':
    'The map compares the places at the level chosen under “Places compared” by their rate per 100,000 people over the dates chosen. The curves follow the area chosen under “Within”, week by ISO week.',
  'mc.measure': 'Measure for the map and curves',
  'measure.positives': 'Positive tests',
  'measure.tests': 'Tests',
  'measure.doses': 'Vaccine doses given',
  'measure.complete': 'People completing their primary series',
  'measure.uploads': 'Exposure key uploads',
  'measure.codes_issued': 'Verification codes issued',
  'measure.codes_redeemed': 'Verification codes redeemed',
  'map.heading': 'Map by place',
  'map.caption': '{measure} per 100,000 people, {from} to {to}, {where}.',
  'map.alt':
    'Map of {where}: {measure} per 100,000 people by place. The table has the same numbers.',
  'map.legend': 'Per 100,000 people',
  'map.range.first': 'up to {high}',
  'map.range': 'over {low} to {high}',
  'map.legend.suppressed': 'Hidden (small count)',
  'map.legend.na': 'No population figure',
  'map.title': '{name}: {value}',
  'map.title.rate': '{rate} per 100,000 ({count})',
  'map.suppressedList': 'Hidden to protect small counts (hatched on the map):',
  'map.missingList': 'Not on the map: the loaded boundary file has no outline for',
  'map.noBoundaries':
    'No outlines are loaded for these places, so there is no map; the table has the numbers. An administrator loads outlines with “vigil regions load FILE.topojson”.',
  'map.unknown': 'Not placed (facts whose place is not in the list): {count}.',
  'map.total': 'Whole area: {count}, {rate} per 100,000 people.',
  'col.count': 'Count',
  'col.rate100k': 'Per 100,000',
  'col.week': 'ISO week',
  'col.weekNo': 'Week',
  'epi.heading': 'Epi curve by ISO week',
  'epi.caption':
    '{measure} per ISO week (Monday to Sunday), {from} to {to}, {where}. A week with none shows 0.',
  'years.heading': 'This year against earlier years',
  'years.caption':
    '{measure} per ISO week, {where}: one line per ISO week-year. Weeks not yet ended, and week 53 in years without it, have no value.',
  'privacy.note.perPeriod':
    'Each period is suppressed as one table with its margins; across periods and queries, differential privacy is the protection.',
  'privacy.note.cumulative':
    'Coverage counts are cumulative: people with a complete series up to the end of each period.',
  'privacy.note.noisy': 'Counts are noisy; totals are the sums of the noisy cells.',
  'privacy.note.map':
    'The map is one table: the places and their total over the whole range, suppressed together.',
  'privacy.note.rates':
    'Rates are per 100,000 people over the whole range, from the population table; a suppressed count has no rate.',
} as const
