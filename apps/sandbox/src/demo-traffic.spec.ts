import { parseDemoArgs } from './demo-traffic';

describe('parseDemoArgs', () => {
  it('has defaults, and takes --count and --interval-ms in both spellings', () => {
    expect(parseDemoArgs([])).toEqual({ count: 20, intervalMs: 300 });
    expect(parseDemoArgs(['--count', '5', '--interval-ms=0'])).toEqual({ count: 5, intervalMs: 0 });
  });

  it('refuses what it does not know', () => {
    expect(() => parseDemoArgs(['--count', '0'])).toThrow(/--count N/);
    expect(() => parseDemoArgs(['--fast'])).toThrow(/unknown option/);
  });
});
