import { missingKeys, parseLanguage, translate } from './i18n';

describe('dashboard labels', () => {
  it('has every label in both languages', () => {
    expect(missingKeys()).toEqual({ vi: [], en: [] });
  });

  it('speaks Vietnamese by default and English on request', () => {
    expect(parseLanguage(undefined)).toBe('vi');
    expect(parseLanguage('fr')).toBe('vi');
    expect(parseLanguage('en')).toBe('en');
    expect(translate('vi', 'nav.failures')).toBe('Sự cố');
    expect(translate('en', 'nav.failures')).toBe('Failures');
  });

  it('fills placeholders and shows an unknown key as itself', () => {
    expect(translate('en', 'failures.shown', { shown: 20, depth: 35 })).toBe('Showing 20 of 35 messages');
    expect(translate('vi', 'cert.daysLeft', { n: 3 })).toBe('còn 3 ngày');
    expect(translate('en', 'no.such.key')).toBe('no.such.key');
  });
});
