import { describe, expect, it } from 'vitest';
import { REQUEST_PASSES } from './handle-request.ts';
import { UPGRADE_PASSES } from './handle-upgrade.ts';
import { buildHeaders } from './passes/build-headers.ts';
import { decideMode } from './passes/decide-mode.ts';
import { divertOnOpenBreaker } from './passes/divert-on-open-breaker.ts';
import { match } from './passes/match.ts';

describe('upgrade passes', () => {
  it('run the request path\'s own match, decide, breaker and header passes, in the same order (never a copy of them)', () => {
    const shared = [match, decideMode, divertOnOpenBreaker, buildHeaders];
    expect(UPGRADE_PASSES.slice(1, 5)).toEqual(shared);
    expect(REQUEST_PASSES.slice(1, 5)).toEqual(shared);
  });
});
