/** The public statistics page (/stats): drawn from /api/public/stats (work in progress). */
import { byId, setState } from '../dom.ts'
import { initI18n, mountLanguageSwitch } from '../i18n/index.ts'

initI18n()
mountLanguageSwitch(byId('lang-switch'))
setState(byId('status'), 'info', '')
