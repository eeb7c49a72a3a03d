import { describe, expect, it } from 'vitest';
import { createVersionCap, serviceVersionOf } from './service-version.ts';

describe('serviceVersionOf', () => {
  it('reads the named header case-insensitively (captured header names are lowercased)', () => {
    expect(serviceVersionOf({ 'x-service-version': ' 1.5.0+build.7 ' }, 'X-Service-Version')).toBe('1.5.0+build.7');
  });

  it('keeps release numbers and commit hashes', () => {
    for (const version of ['1.5.0', 'v2', 'v2.1.0', '2024.11.3-rc.1+build.7', '7', 'a1b2c3d', '0f3c9e2b7d4a1c6e8f0b2d4a6c8e0f1a3b5c7d9e']) {
      expect(serviceVersionOf({ 'x-service-version': version }, 'x-service-version')).toBe(version);
    }
  });

  it('is undefined when the route names no header or the answer lacks it', () => {
    expect(serviceVersionOf({ 'x-service-version': '1.5.0' }, undefined)).toBeUndefined();
    expect(serviceVersionOf({}, 'X-Service-Version')).toBeUndefined();
  });

  it('records anything that is not a version as "invalid", never echoing a name or an MRN-like word into the store', () => {
    for (const value of ['patient Zebulon Quigglesworth', 'JaneDoe', 'Quigglesworth', 'MRN12345', 'mrn-884412', 'v'.repeat(65), '../1', '1.2.3.4.5', '1985-04-12T00:00', '1985-04-12', 'v1985-4-12', '12.04.1985']) {
      expect(serviceVersionOf({ 'x-service-version': value }, 'x-service-version')).toBe('invalid');
    }
  });
});

describe('createVersionCap', () => {
  it('keeps the first distinct versions of a route and reports later new ones as "other", per route', () => {
    const cap = createVersionCap(2);
    expect(['1.0.0', '1.1.0', '1.0.0', '1.2.0', '1.3.0', '1.1.0'].map((v) => cap('meds', v))).toEqual(['1.0.0', '1.1.0', '1.0.0', 'other', 'other', '1.1.0']);
    expect(cap('charts', '9.9.9')).toBe('9.9.9');
  });
});
