// What the monolith's web server answers for anything it does not know: an HTML error page, even
// for FHIR clients — one of the things the new services do better.
import type http from 'node:http';
import { escapeHtml, sendHtml } from '../shared/respond.ts';

export function answerLegacyNotFound(req: http.IncomingMessage, res: http.ServerResponse): void {
  req.resume();
  sendHtml(res, 404, `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>404 Not Found</title>
</head><body>
<h1>Not Found</h1>
<p>The requested URL ${escapeHtml((req.url ?? '/').split('?')[0] ?? '/')} was not found on this server.</p>
<hr>
<address>EHR Core/7.4.2 Server</address>
</body></html>
`);
}
