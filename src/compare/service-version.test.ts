import { describe, expect, it } from 'vitest';
import { serviceVersionOf } from './service-version.ts';

describe('serviceVersionOf', () => {
  it('reads the named header case-insensitively (captured header names are lowercased)', () => {
    expect(serviceVersionOf({ 'x-service-version': ' 1.5.0+build.7 ' }, 'X-Service-Version')).toBe('1.5.0+build.7');
  });

  it('is undefined when the route names no header or the answer lacks it', () => {
    expect(serviceVersionOf({ 'x-service-version': '1.5.0' }, undefined)).toBeUndefined();
    expect(serviceVersionOf({}, 'X-Service-Version')).toBeUndefined();
  });

  it('records anything that is not a short version token as "invalid", never echoing it into the store', () => {
    expect(serviceVersionOf({ 'x-service-version': 'patient Zebulon Quigglesworth' }, 'x-service-version')).toBe('invalid');
    expect(serviceVersionOf({ 'x-service-version': 'v'.repeat(65) }, 'x-service-version')).toBe('invalid');
    expect(serviceVersionOf({ 'x-service-version': '../1' }, 'x-service-version')).toBe('invalid');
  });
});
