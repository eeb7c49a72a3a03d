// POST /hl7/adt on the new service: the rebuilt ADT intake answers the same original-mode ACK as
// the monolith's interface engine (legacy/hl7.ts) — only its MSH-7 (time) and MSH-10 (its own
// control ids) differ, which Ficus ignores for v2 by default. It honours the dry-run contract, so
// Ficus may mirror the write: a dry-run is acknowledged with Ficus-Shadow-Ack and changes nothing
// (the demo intake stores nothing either way).
import { hl7Routes } from '../legacy/hl7.ts';
import type { Route } from '../shared/router.ts';
import { DRY_RUN, DRY_RUN_ACK_HEADER, isDryRun } from './dry-run.ts';

export function newHl7Routes({ now }: { readonly now: () => Date }): Route[] {
  return hl7Routes({ now }).map((route) => ({
    ...route,
    handle: (context) => {
      if (isDryRun(context.req)) context.res.setHeader(DRY_RUN_ACK_HEADER, DRY_RUN);
      return route.handle(context);
    },
  }));
}
