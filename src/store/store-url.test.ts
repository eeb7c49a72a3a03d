// Store URLs reach start-up errors and logs: no form of password may survive redaction.
import { describe, expect, it } from 'vitest';
import { redactStoreUrl } from './store-url.ts';

describe('redactStoreUrl', () => {
  it.each([
    ['postgres://ficus:hunter2@db.internal:5432/ficus', 'hunter2'],
    ['postgres://ficus:hun@ter2@db.internal/ficus', 'ter2'],
    ['postgres://ficus:hunter2:x@db.internal/ficus', 'hunter2'],
    ['postgres://ficus@db.internal/ficus?password=hunter2', 'hunter2'],
    ['postgresql://db.internal/ficus?sslpassword=hunter2&application_name=ficus', 'hunter2'],
    ['postgres://ficus:hun/ter2@db.internal/ficus', 'ter2'],
    ['not a url with hunter2', 'hunter2'],
  ])('hides the password in %s', (url, secret) => {
    const redacted = redactStoreUrl(url);
    expect(redacted).not.toContain(secret);
    expect(redacted).not.toContain('hunter2');
  });

  it('keeps what an operator needs to recognise the store', () => {
    expect(redactStoreUrl('postgres://ficus:hunter2@db.internal:5432/ficus')).toBe('postgres://ficus:***@db.internal:5432/ficus');
    expect(redactStoreUrl('sqlite:./data/ficus.db')).toBe('sqlite:./data/ficus.db');
  });
});
