/** Minor units per major unit of a currency: 100 for EUR, 1 for JPY. */
export function minorUnitFactor(currency: string): number {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return 10 ** digits;
}
