/**
 * Atlassian Statuspage `GET /api/v2/summary.json` documents, as a vendor's status page would serve
 * them: field names and value sets follow the public format so the status-page check reads the
 * simulator exactly as it reads status.miro.com.
 */

/** What the vendor admits on its page; an API failing behind a green page is expressed elsewhere. */
export type StatusPageCondition = 'operational' | 'minor' | 'major';

export interface StatusPageFacts {
  pageId: string;
  name: string;
  url: string;
  /** The first component is the one the condition affects. */
  componentNames: readonly string[];
  condition: StatusPageCondition;
  /** When the condition began: the incident's start. */
  since: Date;
  now: Date;
}

const INDICATOR_DESCRIPTIONS = {
  none: 'All Systems Operational',
  minor: 'Minor Service Outage',
  major: 'Partial System Outage',
} as const;

const AFFECTED_COMPONENT_STATUS = {
  operational: 'operational',
  minor: 'degraded_performance',
  major: 'major_outage',
} as const;

export function statusPageSummary(facts: StatusPageFacts) {
  const indicator = facts.condition === 'operational' ? 'none' : facts.condition;
  const components = facts.componentNames.map((name, index) =>
    component(facts, name, index, index === 0 ? AFFECTED_COMPONENT_STATUS[facts.condition] : 'operational'),
  );
  return {
    page: {
      id: facts.pageId,
      name: facts.name,
      url: facts.url,
      time_zone: 'Etc/UTC',
      updated_at: facts.now.toISOString(),
    },
    status: { indicator, description: INDICATOR_DESCRIPTIONS[indicator] },
    components,
    // A degraded component alone is how vendors usually show a minor blip; an outage gets an incident.
    incidents: facts.condition === 'major' ? [outageIncident(facts, components[0]?.name ?? 'API')] : [],
    scheduled_maintenances: [],
  };
}

function component(facts: StatusPageFacts, name: string, index: number, status: string) {
  return {
    id: `${facts.pageId}-component-${index + 1}`,
    name,
    status,
    created_at: facts.since.toISOString(),
    updated_at: facts.now.toISOString(),
    position: index + 1,
    description: null,
    showcase: false,
    start_date: null,
    group_id: null,
    page_id: facts.pageId,
    group: false,
    only_show_if_degraded: false,
  };
}

function outageIncident(facts: StatusPageFacts, componentName: string) {
  const id = `${facts.pageId}-incident-1`;
  const since = facts.since.toISOString();
  return {
    id,
    name: 'Elevated API error rates',
    status: 'investigating',
    impact: 'major',
    shortlink: `${facts.url}/incidents/${id}`,
    created_at: since,
    updated_at: since,
    started_at: since,
    monitoring_at: null,
    resolved_at: null,
    page_id: facts.pageId,
    incident_updates: [
      {
        id: `${id}-update-1`,
        status: 'investigating',
        body: `We are investigating elevated error rates on ${componentName}.`,
        incident_id: id,
        created_at: since,
        updated_at: since,
        display_at: since,
        affected_components: [
          {
            code: `${facts.pageId}-component-1`,
            name: componentName,
            old_status: 'operational',
            new_status: 'major_outage',
          },
        ],
        deliver_notifications: true,
        custom_tweet: null,
        tweet_id: null,
      },
    ],
  };
}
