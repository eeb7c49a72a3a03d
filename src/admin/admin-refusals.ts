// Every request the admin port refuses is counted by reason, so an operator sees a brute-force
// attempt, a lockout or an oversized upload on /metrics (Prometheus text, appended to the proxy's).
// Reasons are a closed set: no address, token or path ever becomes a label.

export type AdminRefusalReason =
  | 'body-too-large'
  | 'unauthorized'
  | 'forbidden'
  | 'csrf'
  | 'cross-origin'
  | 'login-failed'
  | 'login-locked'
  | 'token-locked';

/** The reason a refused status is counted under when the refusing code did not name one. */
const BY_STATUS: Readonly<Record<number, AdminRefusalReason>> = { 401: 'unauthorized', 403: 'forbidden', 413: 'body-too-large' };

export interface AdminRefusals {
  /** Counts a finished response if it is a refusal (401, 403, 413, 429). */
  count(status: number, reason: AdminRefusalReason | undefined): void;
  /** A client was just locked out (login or bearer token). */
  lockedOut(kind: 'login' | 'token'): void;
  render(): string;
}

export function createAdminRefusals(): AdminRefusals {
  const refused = new Map<AdminRefusalReason, number>();
  const lockouts = new Map<'login' | 'token', number>();
  return {
    count(status, reason) {
      const label = reason ?? BY_STATUS[status];
      if (label && (status === 401 || status === 403 || status === 413 || status === 429)) refused.set(label, (refused.get(label) ?? 0) + 1);
    },
    lockedOut(kind) {
      lockouts.set(kind, (lockouts.get(kind) ?? 0) + 1);
    },
    render() {
      const out = ['# HELP ficus_admin_refused_total Admin port requests refused, by reason.', '# TYPE ficus_admin_refused_total counter'];
      for (const [reason, n] of refused) out.push(`ficus_admin_refused_total{reason="${reason}"} ${n}`);
      out.push('# HELP ficus_admin_lockouts_total Clients locked out after repeated wrong credentials, by kind (login, token).', '# TYPE ficus_admin_lockouts_total counter');
      for (const [kind, n] of lockouts) out.push(`ficus_admin_lockouts_total{kind="${kind}"} ${n}`);
      return `${out.join('\n')}\n`;
    },
  };
}
