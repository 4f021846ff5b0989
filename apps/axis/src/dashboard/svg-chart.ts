/*
 * The overview's 24-hour chart as inline SVG, drawn on the server: no script, no library, prints
 * and screenshots as it is.
 */

export interface HourBucket {
  /** Start of the hour. */
  hour: Date;
  sent: number;
  delivered: number;
  failed: number;
}

export interface ChartLabels {
  title: string;
  sent: string;
  delivered: string;
  failed: string;
}

const SERIES = [
  { key: 'sent', color: '#2563eb' },
  { key: 'delivered', color: '#16a34a' },
  { key: 'failed', color: '#dc2626' },
] as const;

const HOUR_MS = 3_600_000;

/** The `hours` hours ending with the one `now` is in, oldest first, missing hours as zeros. */
export function fillHours(buckets: readonly HourBucket[], now: Date, hours = 24): HourBucket[] {
  const current = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const byHour = new Map(buckets.map((b) => [Math.floor(b.hour.getTime() / HOUR_MS) * HOUR_MS, b]));
  return Array.from({ length: hours }, (_, i) => {
    const start = current - (hours - 1 - i) * HOUR_MS;
    const b = byHour.get(start);
    return {
      hour: new Date(start),
      sent: b?.sent ?? 0,
      delivered: b?.delivered ?? 0,
      failed: b?.failed ?? 0,
    };
  });
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Grouped bars, one group per hour, hour labels in Vietnam time every three hours. */
export function hourlyChartSvg(buckets: readonly HourBucket[], labels: ChartLabels): string {
  const width = 720;
  const height = 220;
  const left = 36;
  const bottom = 24;
  const top = 28;
  const plotW = width - left - 8;
  const plotH = height - top - bottom;
  const max = Math.max(1, ...buckets.flatMap((b) => [b.sent, b.delivered, b.failed]));
  const scaleMax = niceCeiling(max);
  const groupW = plotW / Math.max(1, buckets.length);
  const barW = Math.max(1, (groupW - 2) / SERIES.length);
  const y = (v: number) => top + plotH - (v / scaleMax) * plotH;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(labels.title)}" class="chart">`,
    `<title>${escapeXml(labels.title)}</title>`,
  );
  for (const tick of [0, scaleMax / 2, scaleMax]) {
    parts.push(
      `<line x1="${left}" x2="${width - 8}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}" stroke="#e5e7eb"/>`,
      `<text x="${left - 4}" y="${(y(tick) + 4).toFixed(1)}" text-anchor="end" font-size="10" fill="#6b7280">${formatTick(tick)}</text>`,
    );
  }
  buckets.forEach((b, i) => {
    const x0 = left + i * groupW + 1;
    SERIES.forEach((s, j) => {
      const value = b[s.key];
      if (value <= 0) return;
      const h = (value / scaleMax) * plotH;
      parts.push(
        `<rect x="${(x0 + j * barW).toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${s.color}"><title>${escapeXml(`${hourLabel(b.hour)} ${labels[s.key]}: ${value}`)}</title></rect>`,
      );
    });
    if (i % 3 === 0) {
      parts.push(
        `<text x="${(x0 + groupW / 2).toFixed(1)}" y="${height - 8}" text-anchor="middle" font-size="10" fill="#6b7280">${hourLabel(b.hour)}</text>`,
      );
    }
  });
  SERIES.forEach((s, j) => {
    const x = left + j * 120;
    parts.push(
      `<rect x="${x}" y="8" width="10" height="10" fill="${s.color}"/>`,
      `<text x="${x + 14}" y="17" font-size="11" fill="#111827">${escapeXml(labels[s.key])}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

/** `HH:00` in Vietnam time (UTC+7). */
export function hourLabel(hour: Date): string {
  return `${String((hour.getUTCHours() + 7) % 24).padStart(2, '0')}:00`;
}

function niceCeiling(value: number): number {
  if (value <= 4) return 4;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function formatTick(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
