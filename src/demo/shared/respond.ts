// Writing responses with an explicit Content-Length, as the monolith's servlet container does:
// comparisons and load tests should see the same framing on every run.
import type http from 'node:http';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

export type HeaderMap = Readonly<Record<string, string | number | readonly string[]>>;

export function sendBody(res: http.ServerResponse, status: number, contentType: string, body: string | Buffer, headers: HeaderMap = {}): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...headers, 'content-type': contentType, 'content-length': bytes.length });
  res.end(bytes);
}

export function sendJson(res: http.ServerResponse, status: number, value: unknown, headers: HeaderMap = {}): void {
  sendBody(res, status, 'application/json; charset=utf-8', JSON.stringify(value), headers);
}

export function sendFhir(res: http.ServerResponse, status: number, resource: unknown, headers: HeaderMap = {}): void {
  sendBody(res, status, FHIR_JSON, JSON.stringify(resource), headers);
}

export function sendHtml(res: http.ServerResponse, status: number, html: string, headers: HeaderMap = {}): void {
  sendBody(res, status, 'text/html; charset=utf-8', html, headers);
}

export function redirect(res: http.ServerResponse, location: string, headers: HeaderMap = {}): void {
  res.writeHead(302, { ...headers, location, 'content-length': 0 });
  res.end();
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
