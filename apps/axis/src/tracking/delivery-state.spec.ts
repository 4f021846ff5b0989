import { DELIVERY_STATES, isFailure, stateOfEvent, supersedes } from './delivery-state';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 27, 8, minute));

describe('delivery states', () => {
  it('maps events and tracked status codes to states', () => {
    expect(stateOfEvent('delivered')).toBe('delivered');
    expect(stateOfEvent('status', '01')).toBe('arrived');
    expect(stateOfEvent('status', '02')).toBe('rejected');
    expect(stateOfEvent('status', '06')).toBe('finished');
    expect(stateOfEvent('status', '16')).toBe('revoke-update-refused');
    expect(stateOfEvent('status', '99')).toBeUndefined();
    expect(stateOfEvent('status')).toBeUndefined();
  });

  it('treats failed, quarantined and rejected (02) as failures, nothing else', () => {
    expect(DELIVERY_STATES.filter(isFailure).sort()).toEqual(['failed', 'quarantined', 'rejected']);
  });

  describe('between successes the rank decides, whatever the clocks say', () => {
    it.each([
      ['submitted', 'published'],
      ['published', 'delivered'],
      ['delivered', 'arrived'],
      ['arrived', 'taken'],
      ['taken', 'accepted'],
      ['accepted', 'assigned'],
      ['assigned', 'processing'],
      ['processing', 'finished'],
      ['finished', 'withdrawn'],
      ['withdrawn', 'revoke-update-agreed'],
    ] as const)('%s → %s, never back', (lower, higher) => {
      // The later step carries the earlier timestamp: a node whose clock lags.
      expect(supersedes({ state: lower, occurredAt: at(5) }, { state: higher, occurredAt: at(1) })).toBe(
        true,
      );
      expect(supersedes({ state: higher, occurredAt: at(1) }, { state: lower, occurredAt: at(5) })).toBe(
        false,
      );
    });

    it('lets the later of two equal ranks win (15 after 16)', () => {
      const refused = { state: 'revoke-update-refused' as const, occurredAt: at(1) };
      expect(supersedes(refused, { state: 'revoke-update-agreed', occurredAt: at(2) })).toBe(true);
      expect(supersedes(refused, { state: 'revoke-update-agreed', occurredAt: at(0) })).toBe(false);
      expect(
        supersedes({ state: 'delivered', occurredAt: at(1) }, { state: 'delivered', occurredAt: at(1) }),
      ).toBe(false);
    });
  });

  describe('a failure', () => {
    it('holds until a success that happened later', () => {
      const failed = { state: 'failed' as const, occurredAt: at(5) };
      expect(supersedes(failed, { state: 'published', occurredAt: at(4) })).toBe(false);
      expect(supersedes(failed, { state: 'finished', occurredAt: at(4) })).toBe(false);
      expect(supersedes(failed, { state: 'published', occurredAt: at(6) })).toBe(true);
      const quarantined = { state: 'quarantined' as const, occurredAt: at(5) };
      expect(supersedes(quarantined, { state: 'delivered', occurredAt: at(9) })).toBe(true);
    });

    it('replaces a success only if it happened after it', () => {
      expect(
        supersedes({ state: 'published', occurredAt: at(1) }, { state: 'failed', occurredAt: at(2) }),
      ).toBe(true);
      expect(
        supersedes({ state: 'delivered', occurredAt: at(3) }, { state: 'failed', occurredAt: at(2) }),
      ).toBe(false);
      expect(
        supersedes({ state: 'delivered', occurredAt: at(3) }, { state: 'rejected', occurredAt: at(4) }),
      ).toBe(true);
    });

    it('gives way to a later failure, or at the same instant to a further one', () => {
      const failed = { state: 'failed' as const, occurredAt: at(2) };
      expect(supersedes(failed, { state: 'quarantined', occurredAt: at(3) })).toBe(true);
      expect(supersedes(failed, { state: 'quarantined', occurredAt: at(1) })).toBe(false);
      expect(supersedes(failed, { state: 'quarantined', occurredAt: at(2) })).toBe(true);
      expect(supersedes({ state: 'quarantined', occurredAt: at(2) }, failed)).toBe(false);
    });
  });
});
