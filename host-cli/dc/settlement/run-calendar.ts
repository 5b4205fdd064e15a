// Volume allocation runs for a settlement date, as data: each run's offset from the settlement date in GB working
// days, with its source and status. seeds/003 [V]: "The HHDC must send the SVAA actual or estimated data by the SF
// (Initial) Volume Allocation Run. Where an AMHHDC has been appointed, the AMHHDC must send the HHDC actual or
// estimated data by three working days before the SF Volume Allocation Run"; later runs need a resend only when
// more accurate data has become available.
//
// STATUS of the offsets [U]: the working-day offsets below are the long-standing SVA timetable as remembered (II about
// 5, SF 16, R1 39, R2 84, R3 154, RF 292 working days; DF ad hoc, about 28 months). Checked (2026-12-03) and not
// found in the sources the search tools hold (Elexon glossary, BSC documents, Elexon articles); what they do say [V]:
// the Elexon glossary puts R2 "approximately one quarter after" R1, and Elexon publishes the SVAA Settlement Calendar
// on the Elexon Portal (Operational Data > Settlement Calendars), re-aligned when bank holidays change (Elexon article
// "Changes to Settlement Calendars due to additional Bank Holiday on 19 Sept 2022"). That calendar is authoritative,
// and market-wide half-hourly settlement changes the timetable: check and correct this table, nothing else needs to
// change.
import { ConfigError } from '../../../drivers/errors.js';
import { addWorkingDays } from '../calendar/working-days.js';

export type RunType = 'II' | 'SF' | 'R1' | 'R2' | 'R3' | 'RF' | 'DF';

export interface RunSpec {
  run: RunType;
  name: string;
  /** Working days after the settlement date. */
  workingDays: number;
  status: '[V]' | '[U]' | '[D]';
  source: string;
}

export const RUN_CALENDAR: readonly RunSpec[] = [
  { run: 'II', name: 'Interim Information', workingDays: 5, status: '[U]', source: 'SVA timetable from memory; not in the sources searched' },
  { run: 'SF', name: 'Initial Settlement', workingDays: 16, status: '[U]', source: 'SVA timetable from memory, not in the sources searched; seeds/003 [V] makes SF the HHDC deadline' },
  { run: 'R1', name: 'First Reconciliation', workingDays: 39, status: '[U]', source: 'SVA timetable from memory; not in the sources searched' },
  { run: 'R2', name: 'Second Reconciliation', workingDays: 84, status: '[U]', source: 'SVA timetable from memory; Elexon glossary "2nd Reconciliation" [V]: about one quarter after R1' },
  { run: 'R3', name: 'Third Reconciliation', workingDays: 154, status: '[U]', source: 'SVA timetable from memory; not in the sources searched' },
  { run: 'RF', name: 'Final Reconciliation', workingDays: 292, status: '[U]', source: 'SVA timetable from memory (about 14 months); not in the sources searched' },
  { run: 'DF', name: 'Dispute Final', workingDays: 587, status: '[U]', source: 'ad hoc in practice; about 28 months, from memory; not in the sources searched' },
];

/** seeds/003 [V]: an AMHHDC sends to the HHDC three working days before the run (stated for SF; applied to all runs [D]). */
export const AMHHDC_LEAD_WORKING_DAYS = 3;

export type CollectorRole = 'HHDC' | 'AMHHDC';

export interface RunDue {
  run: RunType;
  name: string;
  /** null when the run falls beyond the bank holiday table (working-days.ts); `note` says so. */
  runDate: string | null;
  /** Last day the data must have been sent by this collector role. */
  submitBy: string | null;
  note?: string;
  /** What must be sent: for II and SF actual or estimated data for every period; later runs only what changed. */
  what: string;
  status: RunSpec['status'];
}

export function runSpec(run: string): RunSpec | undefined {
  return RUN_CALENDAR.find((r) => r.run === run);
}

/** Every run of a settlement date with the date it runs and what this collector must send by when. Pure. */
export function runsFor(settlementDate: string, role: CollectorRole = 'HHDC'): RunDue[] {
  return RUN_CALENDAR.map((r) => {
    const what = r.run === 'II' || r.run === 'SF' ? 'actual or estimated data for every period of every AMSID' : 'only what changed since the last submission (more accurate data)';
    try {
      const runDate = addWorkingDays(settlementDate, r.workingDays);
      return { run: r.run, name: r.name, runDate, submitBy: role === 'AMHHDC' ? addWorkingDays(runDate, -AMHHDC_LEAD_WORKING_DAYS) : runDate, what, status: r.status };
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return { run: r.run, name: r.name, runDate: null, submitBy: null, what, status: r.status, note: e.message };
    }
  });
}
