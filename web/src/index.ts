// The landing page asks the service whether it is ready; nothing else runs here.
const line = document.getElementById('status-line')

async function check(): Promise<void> {
  if (line === null) return
  try {
    const res = await fetch('/readyz')
    const body = (await res.json()) as { status?: string; database?: string; detail?: string }
    line.textContent = res.ok ? `Ready (database: ${body.database}).` : `Not ready: ${body.detail}`
  } catch {
    line.textContent = 'The service did not answer.'
  }
}

void check()
