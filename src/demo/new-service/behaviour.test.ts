import { afterEach, describe, expect, it } from 'vitest';
import { startNewServiceDemo, type NewServiceBehaviour } from './server.ts';
import { HUGE_BODY_BYTES } from './behaviour.ts';
import { json, request } from '../testing/request.ts';

describe('new service hostile behaviours', () => {
  let next: Awaited<ReturnType<typeof startNewServiceDemo>> | undefined;
  const start = async (behaviour: NewServiceBehaviour) => (next = await startNewServiceDemo({ behaviour }));
  afterEach(() => next?.close());

  it('hang: accepts the request and never answers (until the server closes)', async () => {
    const server = await start('hang');
    const pending = request(`${server.url}/fhir/Patient/pat-0001`);
    while (server.received().length === 0) await new Promise((resolve) => setImmediate(resolve));
    await server.close();
    await expect(pending).rejects.toThrow(/socket hang up|ECONNRESET/);
  });

  it('reset: reads the request, then destroys the socket', async () => {
    const server = await start('reset');
    await expect(request(`${server.url}/fhir/Observation`, { method: 'POST', body: '{"resourceType":"Observation"}' })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(server.received()).toHaveLength(1);
  });

  it('huge: answers 200 with a valid 10 MB FHIR JSON body', async () => {
    const server = await start('huge');
    const response = await request(`${server.url}/fhir/Patient/pat-0001`);
    expect(response.status).toBe(200);
    expect(response.body.length).toBe(HUGE_BODY_BYTES);
    expect(json(response).resourceType).toBe('Basic');
  });

  it('error500: answers every request with a 500 OperationOutcome', async () => {
    const server = await start('error500');
    const response = await request(`${server.url}/fhir/Patient/pat-0001`);
    expect(response.status).toBe(500);
    expect(json(response)).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'fatal', code: 'exception' }] });
  });

  it('switches behaviour live with setBehaviour', async () => {
    const server = await start('error500');
    server.setBehaviour('normal');
    expect((await request(`${server.url}/fhir/Patient/pat-0001`)).status).toBe(200);
  });
});
