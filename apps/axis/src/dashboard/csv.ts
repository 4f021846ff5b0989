/** RFC 4180 CSV, CRLF line ends; cells that a spreadsheet would run as a formula are defused. */
export function toCsv(rows: readonly (readonly (string | number | undefined | null)[])[]): string {
  return rows.map((cells) => cells.map(cell).join(',')).join('\r\n') + '\r\n';
}

function cell(value: string | number | undefined | null): string {
  if (value === undefined || value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
