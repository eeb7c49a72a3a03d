import { describe, expect, it } from 'vitest';
import { createInFlightLedger } from './in-flight-ledger.ts';

describe('in-flight ledger', () => {
  it('counts a dead worker\'s last reported in-flight requests as lost, once', () => {
    const ledger = createInFlightLedger();
    ledger.report(1, 3);
    ledger.report(2, 2);
    ledger.report(1, 4);
    expect(ledger.inFlight()).toBe(6);
    expect(ledger.lost(1)).toBe(4);
    expect(ledger.lost(1)).toBe(0);
    expect(ledger.lostTotal()).toBe(4);
    expect(ledger.inFlight()).toBe(2);
  });

  it('counts nothing lost for a worker that drained', () => {
    const ledger = createInFlightLedger();
    ledger.report(1, 5);
    ledger.forget(1);
    expect(ledger.lostTotal()).toBe(0);
    expect(ledger.inFlight()).toBe(0);
  });
});
