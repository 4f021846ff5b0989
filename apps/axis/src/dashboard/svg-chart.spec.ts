import { fillHours, hourLabel, hourlyChartSvg } from './svg-chart';

const labels = { title: 'Last 24 hours <test>', sent: 'Sent', delivered: 'Delivered', failed: 'Failed' };

describe('the 24-hour chart', () => {
  const now = new Date('2026-11-27T08:30:00Z');

  it('fills the hours without traffic with zeros, oldest first', () => {
    const hours = fillHours(
      [{ hour: new Date('2026-11-27T07:00:00Z'), sent: 3, delivered: 2, failed: 1 }],
      now,
    );
    expect(hours).toHaveLength(24);
    expect(hours[23]).toMatchObject({ hour: new Date('2026-11-27T08:00:00Z'), sent: 0 });
    expect(hours[22]).toMatchObject({ sent: 3, delivered: 2, failed: 1 });
    expect(hours[0].hour).toEqual(new Date('2026-11-26T09:00:00Z'));
  });

  it('draws one bar per non-zero value, escapes text, labels hours in Vietnam time', () => {
    const svg = hourlyChartSvg(
      fillHours([{ hour: new Date('2026-11-27T07:00:00Z'), sent: 3, delivered: 2, failed: 0 }], now),
      labels,
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Last 24 hours &#60;test&#62;');
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(2);
    expect(svg).toContain('14:00 Sent: 3');
    expect(hourLabel(new Date('2026-11-27T20:00:00Z'))).toBe('03:00');
  });
});
