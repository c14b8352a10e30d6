import type { EventName, IncidentStatus } from './notification.ts';
import { type Cause, type ProbeResult, type Severity, type Side, severityRank } from './vocabulary.ts';

export interface IncidentPolicy {
  /** Failing cycles before an incident opens (a confirmed P1 opens at once). */
  openAfter: number;
  /** Healthy cycles before an open incident resolves. */
  resolveAfter: number;
  /** Cycles the cause must hold before the incident is IDENTIFIED. */
  identifyAfter: number;
  /** Minutes between reminders for an open P1/P2. */
  reminderMinutes: number;
}

export interface TimelineEntry {
  at: string;
  event: EventName;
  status: IncidentStatus;
  severity: Severity;
  cause: Cause;
  resultKey: string;
}

export interface Incident {
  id: string;
  vendor: string;
  status: IncidentStatus;
  severity: Severity;
  peakSeverity: Severity;
  cause: Cause;
  side: Side;
  summary: string;
  action: string;
  firstFailureAt: string;
  openedAt: string;
  identifiedAt: string | null;
  monitoringAt: string | null;
  resolvedAt: string | null;
  /** When on-call last heard about this incident (any event); the next reminder counts from here. */
  lastReminderAt: string;
  /** Names of the vendor's own status-page incidents seen while this one was open. */
  vendorIncidents: string[];
  /** True once the status-page topic has been told, so it also hears the resolution. */
  announced: boolean;
  timeline: TimelineEntry[];
}

/** One event to tell people about; rendered into messages per topic by messages.ts. */
export interface IncidentChange {
  event: EventName;
  at: string;
  previousSeverity: Severity | null;
  incident: Incident;
  resultKey: string;
  /** Stable across re-sends: subscribers drop a dedupKey they have already seen. */
  dedupKey: string;
  /** Whether the external status page hears about it. */
  external: boolean;
}

export interface VendorState {
  vendor: string;
  /** startedAt of the newest result applied; older or equal results change nothing. */
  lastResultAt: string | null;
  lastResultKey: string | null;
  healthy: boolean | null;
  failStreak: number;
  okStreak: number;
  /** When the current failing streak began, and its first result. */
  streakStartedAt: string | null;
  /** Consecutive failing cycles with the open incident's current cause. */
  causeStreak: number;
  /** Consecutive failing cycles less severe than the open incident, and the worst of them. */
  milderStreak: number;
  milderSeverity: Severity | null;
  incident: Incident | null;
}

export const initialState = (vendor: string): VendorState => ({
  vendor,
  lastResultAt: null,
  lastResultKey: null,
  healthy: null,
  failStreak: 0,
  okStreak: 0,
  streakStartedAt: null,
  causeStreak: 0,
  milderStreak: 0,
  milderSeverity: null,
  incident: null,
});

const compactUtc = (iso: string): string => iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
export const incidentIdFor = (vendor: string, openedAt: string): string =>
  `${vendor}-${compactUtc(openedAt)}`;
/** The vendor is everything before the `-YYYYMMDDTHHMMSSZ` an incident id ends with. */
export const vendorOfIncidentId = (id: string): string | null => /^(.+)-\d{8}T\d{6}Z$/.exec(id)?.[1] ?? null;

const isUserFacing = (severity: Severity): boolean => severity === 'P1' || severity === 'P2';
const worse = (a: Severity, b: Severity): boolean => severityRank(a) < severityRank(b);

interface Step {
  state: VendorState;
  changes: IncidentChange[];
}

function record(
  step: Step,
  event: EventName,
  at: string,
  resultKey: string,
  previousSeverity: Severity | null,
): void {
  const incident = step.state.incident!;
  // Any message is news, so it restarts the reminder clock: no "still open" a minute after "escalated".
  incident.lastReminderAt = at;
  incident.timeline.push({
    at,
    event,
    status: incident.status,
    severity: incident.severity,
    cause: incident.cause,
    resultKey,
  });
  // The status page hears user-facing trouble and, once told, how it ends; never reminders or internals.
  const external =
    (['opened', 'escalated'].includes(event) && isUserFacing(incident.severity) && !incident.announced) ||
    (['identified', 'monitoring', 'resolved'].includes(event) && incident.announced);
  if (external) incident.announced = true;
  step.changes.push({
    event,
    at,
    previousSeverity,
    incident: structuredClone(incident),
    resultKey,
    dedupKey: `${incident.id}:${event}:${Date.parse(at)}`,
    external,
  });
}

function open(step: Step, result: ProbeResult, resultKey: string): void {
  const { verdict, startedAt } = result;
  const severity = verdict.severity!;
  step.state.incident = {
    id: incidentIdFor(result.vendor, startedAt),
    vendor: result.vendor,
    status: 'INVESTIGATING',
    severity,
    peakSeverity: severity,
    cause: verdict.cause,
    side: verdict.side,
    summary: verdict.summary,
    action: verdict.action,
    firstFailureAt: step.state.streakStartedAt ?? startedAt,
    openedAt: startedAt,
    identifiedAt: null,
    monitoringAt: null,
    resolvedAt: null,
    lastReminderAt: startedAt,
    vendorIncidents: vendorIncidentNames(result),
    announced: false,
    timeline: [],
  };
  step.state.causeStreak = step.state.failStreak;
  record(step, 'opened', startedAt, resultKey, null);
}

function vendorIncidentNames(result: ProbeResult): string[] {
  const incidents = result.checks.find((check) => check.name === 'status_page')?.facts?.incidents;
  return Array.isArray(incidents)
    ? incidents.map((incident) => String((incident as { name: unknown }).name))
    : [];
}

/** A failing cycle while an incident is open: severity moves, the cause settles, reminders fall due. */
function stillFailing(step: Step, result: ProbeResult, resultKey: string, policy: IncidentPolicy): void {
  const { state } = step;
  const incident = state.incident!;
  const { verdict, startedAt } = result;
  const severity = verdict.severity!;
  incident.vendorIncidents = [...new Set([...incident.vendorIncidents, ...vendorIncidentNames(result)])];
  state.causeStreak = verdict.cause === incident.cause ? state.causeStreak + 1 : 1;
  Object.assign(incident, {
    cause: verdict.cause,
    side: verdict.side,
    summary: verdict.summary,
    action: verdict.action,
  });

  if (incident.status === 'MONITORING') {
    incident.status = 'IDENTIFIED';
    incident.identifiedAt ??= startedAt;
    record(step, 'identified', startedAt, resultKey, null);
  }
  if (worse(severity, incident.severity)) {
    const previous = incident.severity;
    incident.severity = severity;
    if (worse(severity, incident.peakSeverity)) incident.peakSeverity = severity;
    state.milderStreak = 0;
    record(step, 'escalated', startedAt, resultKey, previous);
  } else if (worse(incident.severity, severity)) {
    // De-escalate with the same hysteresis as opening, so P1/P2 flapping does not page twice a minute.
    state.milderStreak += 1;
    state.milderSeverity =
      state.milderSeverity && worse(state.milderSeverity, severity) ? state.milderSeverity : severity;
    if (state.milderStreak >= policy.openAfter) {
      const previous = incident.severity;
      incident.severity = state.milderSeverity;
      state.milderStreak = 0;
      state.milderSeverity = null;
      record(step, 'deescalated', startedAt, resultKey, previous);
    }
  } else {
    state.milderStreak = 0;
    state.milderSeverity = null;
  }
  if (incident.status === 'INVESTIGATING' && state.causeStreak >= policy.identifyAfter) {
    incident.status = 'IDENTIFIED';
    incident.identifiedAt = startedAt;
    record(step, 'identified', startedAt, resultKey, null);
  }
  const reminderDue =
    Date.parse(startedAt) - Date.parse(incident.lastReminderAt) >= policy.reminderMinutes * 60_000;
  if (isUserFacing(incident.severity) && reminderDue && step.changes.length === 0) {
    incident.lastReminderAt = startedAt;
    record(step, 'reminder', startedAt, resultKey, null);
  }
}

function recovering(step: Step, result: ProbeResult, resultKey: string, policy: IncidentPolicy): void {
  const { state } = step;
  const incident = state.incident!;
  const { startedAt } = result;
  if (incident.status !== 'MONITORING') {
    incident.status = 'MONITORING';
    incident.monitoringAt = startedAt;
    record(step, 'monitoring', startedAt, resultKey, null);
  }
  if (state.okStreak < policy.resolveAfter) return;
  incident.status = 'RESOLVED';
  incident.resolvedAt = startedAt;
  record(step, 'resolved', startedAt, resultKey, null);
  state.incident = null;
}

/**
 * Applies one probe result to a vendor's state. Pure: the clock is the result's startedAt, so a
 * duplicate or out-of-order delivery (not newer than the last applied) changes nothing.
 */
export function nextState(
  previous: VendorState,
  result: ProbeResult,
  resultKey: string,
  policy: IncidentPolicy,
): { state: VendorState; changes: IncidentChange[] } {
  if (previous.lastResultAt !== null && Date.parse(result.startedAt) <= Date.parse(previous.lastResultAt)) {
    return { state: previous, changes: [] };
  }
  const state: VendorState = structuredClone(previous);
  const step: Step = { state, changes: [] };
  state.lastResultAt = result.startedAt;
  state.lastResultKey = resultKey;
  const failing = result.verdict.severity !== null;
  state.healthy = !failing;

  if (failing) {
    state.okStreak = 0;
    state.failStreak += 1;
    if (state.failStreak === 1) state.streakStartedAt = result.startedAt;
    const confirmedP1 = result.verdict.severity === 'P1' && result.verdict.confirmed;
    if (state.incident) stillFailing(step, result, resultKey, policy);
    else if (state.failStreak >= policy.openAfter || confirmedP1) open(step, result, resultKey);
  } else {
    state.failStreak = 0;
    // Capped so a long healthy run is a fixed point: nothing to write cycle after cycle.
    state.okStreak = Math.min(state.okStreak + 1, policy.resolveAfter);
    state.streakStartedAt = null;
    state.milderStreak = 0;
    state.milderSeverity = null;
    if (state.incident) recovering(step, result, resultKey, policy);
  }
  return { state, changes: step.changes };
}
