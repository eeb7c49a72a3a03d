// Hospital operations APIs: clinic schedules, bed census keyed by bed, orders, referrals, the care
// team keyed by clinician surname, bedside device readings (spo2, etco2), insurance coverage.
import { pick } from '../../../../src/demo/shared/prng.ts';
import { dateAt, decimal, given, hexId, int, isoAt, surname, times, uuid } from '../clinical-values.ts';
import type { JsonObject, RouteSpec } from '../route-spec.ts';
import { defineRoute } from './define-route.ts';

const stamped = [{ pointer: '/generatedAt', kind: 'timestamp' }, { pointer: '/traceId', kind: 'uuid' }] as const;

export const operationsRoutes: readonly RouteSpec[] = [
  defineRoute({
    id: 'clinic-schedule', matchPath: '/api/clinics/:id/schedule', stickiness: { path: 'id' }, url: (key) => `/api/clinics/${key}/schedule`,
    document: (random, key) => ({
      clinicId: key, generatedAt: '', traceId: '', date: dateAt(random, 3),
      appointments: times(random, 4, 12, () => ({ appointmentId: `APT-${hexId(random, 6)}`, start: isoAt(random, 10), durationMin: pick(random, [15, 20, 30, 45]), patientRef: `pat-${hexId(random, 6)}`, provider: surname(random), room: `R${int(random, 1, 30)}`, status: pick(random, ['booked', 'arrived', 'cancelled']) })),
    }),
    noise: stamped, shuffled: ['/appointments'], timestamp: { '/appointments/*/start': 1_000 },
  }),
  defineRoute({
    id: 'bed-census', matchPath: '/api/units/:id/census', stickiness: { path: 'id' }, url: (key) => `/api/units/${key}/census`,
    document: (random, key) => {
      const beds: JsonObject = {};
      for (let b = 0; b < int(random, 4, 9); b++) beds[`B${int(random, 100, 999)}-${hexId(random, 3)}`] = { occupied: random() < 0.8, acuity: int(random, 1, 5), isolation: pick(random, ['none', 'contact', 'droplet']), admittedAt: isoAt(random, 400) };
      return { unitId: key, generatedAt: '', traceId: '', capacity: 30, occupancyPct: decimal(random, 40, 100, 1), beds };
    },
    noise: stamped, dataMaps: ['/beds'], numeric: { '/occupancyPct': 0.1 },
  }),
  defineRoute({
    id: 'order-read', matchPath: '/api/orders/:id', stickiness: { path: 'id' }, url: (key) => `/api/orders/${key}`,
    document: (random, key) => ({
      orderId: key, generatedAt: '', traceId: '', type: pick(random, ['lab', 'imaging', 'medication']), priority: pick(random, ['routine', 'stat']), orderedAt: isoAt(random, 24),
      orderedBy: { name: `${given(random)} ${surname(random)}`, npi: String(int(random, 1000000000, 1999999999)) },
      items: times(random, 1, 5, (i) => ({ line: i + 1, code: `C${int(random, 10000, 99999)}`, description: pick(random, ['CBC', 'BMP', 'Chest X-ray', 'Lipid panel', 'Troponin']), quantity: int(random, 1, 3) })),
      statusHistory: times(random, 2, 4, (i) => ({ status: ['placed', 'accepted', 'in-progress', 'resulted'][i]!, at: isoAt(random, 24) })),
    }),
    noise: [...stamped, { pointer: '/statusHistory/*/recordedBy', kind: 'optional' }],
  }),
  defineRoute({
    id: 'referral-search', matchPath: '/api/referrals', stickiness: { query: 'patient' }, url: (key) => `/api/referrals?patient=${key}`,
    document: (random, key) => ({
      patientId: key, generatedAt: '', traceId: '',
      referrals: times(random, 2, 6, () => ({ referralId: uuid(random), specialty: pick(random, ['cardiology', 'nephrology', 'endocrinology', 'oncology']), urgency: pick(random, ['routine', 'urgent']), requestedOn: dateAt(random, 200), reason: pick(random, ['follow-up', 'abnormal lab', 'second opinion']), waitDays: int(random, 1, 120) })),
    }),
    noise: stamped, shuffled: ['/referrals'],
  }),
  defineRoute({
    id: 'care-team', matchPath: '/api/patients/:id/care-team', stickiness: { path: 'id' }, url: (key) => `/api/patients/${key}/care-team`,
    document: (random, key) => {
      const byClinician: JsonObject = {};
      for (let c = 0; c < int(random, 2, 5); c++) byClinician[surname(random)] = { role: pick(random, ['attending', 'resident', 'nurse', 'pharmacist']), pager: String(int(random, 1000, 9999)), since: dateAt(random, 60), primary: c === 0 };
      return { patientId: key, generatedAt: '', traceId: '', careTeamBySurname: byClinician };
    },
    noise: stamped, dataMaps: ['/careTeamBySurname'],
  }),
  defineRoute({
    id: 'device-readings', matchPath: '/api/devices/:id/readings', stickiness: { path: 'id' }, url: (key) => `/api/devices/${key}/readings`,
    document: (random, key) => ({
      deviceId: key, generatedAt: '', traceId: '', model: pick(random, ['Philips MX800', 'GE B650']),
      samples: times(random, 5, 12, () => ({ at: isoAt(random, 2), spo2: int(random, 85, 100), etco2: int(random, 30, 45), heartRate: int(random, 50, 140), perfusionIndex: decimal(random, 0.2, 10, 2), alarm: random() < 0.1 })),
    }),
    noise: [...stamped, { pointer: '/samples/*/seq', kind: 'number' }], shuffled: ['/samples'], numeric: { '/samples/*/perfusionIndex': 0.02 }, timestamp: { '/samples/*/at': 500 },
  }),
  defineRoute({
    id: 'coverage-read', matchPath: '/api/patients/:id/coverage', stickiness: { path: 'id' }, url: (key) => `/api/patients/${key}/coverage`,
    document: (random, key) => ({
      patientId: key, generatedAt: '', traceId: '',
      plans: times(random, 2, 3, (i) => ({ payer: pick(random, ['Acme Health', 'Blue Plains', 'Medicare']), memberId: `M${int(random, 10000000, 99999999)}`, order: i + 1, copayUsd: decimal(random, 0, 60, 2), deductibleRemainingUsd: decimal(random, 0, 3000, 2), effective: dateAt(random, 700) })),
      eligibilityCheckedAt: isoAt(random, 2),
    }),
    noise: [...stamped, { pointer: '/eligibilityCacheAgeSec', kind: 'optional' }], numeric: { '/plans/*/deductibleRemainingUsd': 0.01 }, written: { '/plans/*/copayUsd': 2 },
  }),
];
