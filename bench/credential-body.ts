/** The issuing benches' request: a two-dose vaccination for person `i` (a distinct name each). */
export function credentialBody(i: number) {
  return {
    type: 'immunization',
    patient: { givenNames: ['Bench', `P${i}`], familyName: `Person${i}`, birthDate: '1980-01-01' },
    immunizations: [
      { code: '208', date: '2021-05-01', lotNumber: 'EW0182' },
      { code: '208', date: '2021-05-29', lotNumber: 'EW0191' },
    ],
    region: 'NL-NH',
  }
}
