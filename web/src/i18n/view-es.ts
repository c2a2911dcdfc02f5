/** Español para la vista del panel: su coste antes de Mostrar, lo que costó y sus notas. */
export const viewEs = {
  'chart.tooFew': 'demasiado pocos para mostrar',
  'view.pressShow':
    'Sesión iniciada como {name}. Hay ruido, así que no se muestra nada hasta que pulse Mostrar: su coste se indica al lado.',
  'view.cost.checking': 'Calculando lo que costará Mostrar…',
  'view.cost.none':
    'Mostrar no cuesta nada: sin ruido (solo se ocultan las cifras pequeñas). Presupuesto restante hoy: ε {remaining} de {daily}.',
  'view.cost.charge':
    'Mostrar costará ε {charge} una sola vez por los {charts} gráficos (ε {share} cada uno). Presupuesto restante hoy: ε {remaining} de {daily}.',
  'view.cost.released':
    'Mostrar no cuesta nada: esta vista ya se publicó (con los mismos datos, o en los últimos 15 minutos), así que verá las mismas cifras. Presupuesto restante hoy: ε {remaining} de {daily}.',
  'view.cost.over':
    'Mostrar costaría ε {charge}, más que los ε {remaining} de {daily} que quedan hoy, así que no puede hacerse. Elija un ε menor, sin ruido, o espere a las 00:00 UTC.',
  'view.cost.failed': 'No se pudo calcular el coste: {error}',
  'view.chargedTerm': 'Coste de esta vista',
  'view.charged.none': 'Nada (sin ruido)',
  'view.charged.once': 'ε {charge}, una sola vez por los {charts} gráficos (ε {share} cada uno)',
  'view.charged.released': 'Nada: las mismas cifras publicadas el {at}',
  'view.refusedTerm': 'No se muestra',
  'view.refused': 'La vista se rechazó entera, no se gastó nada: {error}',
  'privacy.note.view':
    'Los gráficos de la vista comparten un solo ε, repartido entre ellos y cobrado una vez (composición secuencial).',
  'privacy.note.released':
    'Publicado antes para la misma vista (con los mismos datos, o en los últimos 15 minutos): las mismas cifras con ruido, sin coste.',
}
