/** Spanish for the maps and curves: every key of maps-en.ts, checked by the type. */
import type { mapsEn } from './maps-en.ts'

export const mapsEs: Record<keyof typeof mapsEn, string> = {
  'mc.heading': 'Mapas y curvas',
  'mc.lede':
    'El mapa compara los lugares del nivel elegido en «Lugares comparados» por su tasa por 100 000 habitantes en las fechas elegidas. Las curvas siguen la zona elegida en «Dentro de», semana ISO a semana ISO.',
  'mc.measure': 'Medida del mapa y las curvas',
  'measure.positives': 'Pruebas positivas',
  'measure.tests': 'Pruebas',
  'measure.doses': 'Dosis de vacuna administradas',
  'measure.complete': 'Personas que completan la pauta primaria',
  'measure.uploads': 'Envíos de claves de exposición',
  'measure.codes_issued': 'Códigos de verificación emitidos',
  'measure.codes_redeemed': 'Códigos de verificación canjeados',
  'map.heading': 'Mapa por lugar',
  'map.caption': '{measure} por 100 000 habitantes, del {from} al {to}, {where}.',
  'map.alt':
    'Mapa de {where}: {measure} por 100 000 habitantes por lugar. La tabla tiene los mismos números.',
  'map.legend': 'Por 100 000 habitantes',
  'map.range.first': 'hasta {high}',
  'map.range': 'más de {low} hasta {high}',
  'map.legend.suppressed': 'Oculto (recuento pequeño)',
  'map.legend.na': 'Sin dato de población',
  'map.title': '{name}: {value}',
  'map.title.rate': '{rate} por 100 000 ({count})',
  'map.suppressedList': 'Ocultos para proteger recuentos pequeños (rayados en el mapa):',
  'map.missingList': 'Fuera del mapa: el archivo de límites cargado no tiene contorno para',
  'map.noBoundaries':
    'No hay contornos cargados para estos lugares, así que no hay mapa; la tabla tiene los números. Una persona administradora los carga con «vigil regions load ARCHIVO.topojson».',
  'map.unknown': 'Sin lugar (hechos cuyo lugar no está en la lista): {count}.',
  'map.total': 'Toda la zona: {count}, {rate} por 100 000 habitantes.',
  'col.count': 'Recuento',
  'col.rate100k': 'Por 100 000',
  'col.week': 'Semana ISO',
  'col.weekNo': 'Semana',
  'epi.heading': 'Curva epidémica por semana ISO',
  'epi.caption':
    '{measure} por semana ISO (de lunes a domingo), del {from} al {to}, {where}. Una semana sin casos muestra 0.',
  'years.heading': 'Este año frente a años anteriores',
  'years.caption':
    '{measure} por semana ISO, {where}: una línea por año ISO. Las semanas que aún no han terminado, y la semana 53 en los años que no la tienen, no tienen valor.',
  'privacy.note.perPeriod':
    'Cada periodo se protege como una tabla con sus totales; entre periodos y consultas, la protección es la privacidad diferencial.',
  'privacy.note.cumulative':
    'La cobertura es acumulada: personas con la pauta completa hasta el final de cada periodo.',
  'privacy.note.noisy':
    'Los recuentos llevan ruido; los totales son sumas de las celdas con ruido.',
  'privacy.note.map':
    'El mapa es una sola tabla: los lugares y su total en todo el intervalo, protegidos juntos.',
  'privacy.note.rates':
    'Las tasas son por 100 000 habitantes en todo el intervalo, según la tabla de población; un recuento oculto no tiene tasa.',
}
