/**
 * The questions people ask after an incident, as SQL over the `results` table that runs unchanged
 * on Athena (as named queries) and locally (`vendorwatch query --param …`). `?` placeholders are
 * bound in order: Athena asks for them when the saved query runs, the CLI takes `--param`.
 *
 * Portability rules these follow (Athena is Trino; local SQL is DuckDB):
 * - A check is read as `filter(checks, c -> c.name = 'api')[1]`: every stored result carries all
 *   five checks (skipped ones as `skip`), and `CROSS JOIN UNNEST(checks)` differs between the two
 *   engines (Trino expands the struct's fields into columns, DuckDB yields one struct column).
 * - Ratios cast to double first: Trino divides integers as integers.
 * - Times are the ISO `startedat` strings, compared as strings; `day`/`hour` prune partitions.
 * - Percentiles are `approx_percentile` (local SQL maps it to DuckDB's `approx_quantile`).
 */

export interface PostmortemQuery {
  name: string;
  description: string;
  /** What each `?` stands for, in order. */
  parameters: readonly string[];
  sql: string;
}

const API = "filter(checks, c -> c.name = 'api')[1]";
const RATE_LIMIT = "filter(checks, c -> c.name = 'rate_limit')[1]";

export const POSTMORTEM_QUERIES: readonly PostmortemQuery[] = [
  {
    name: 'incident-timeline',
    description: 'Every cycle of one vendor in a time window (UTC): verdict, API answer, rate limit',
    parameters: [
      'vendor',
      'first day (YYYY-MM-DD)',
      'last day (YYYY-MM-DD)',
      'from (ISO time)',
      'to (ISO time, excluded)',
    ],
    sql: `SELECT startedat,
       verdict.severity AS severity,
       verdict.cause AS cause,
       verdict.side AS side,
       ${API}.outcome AS api_outcome,
       ${API}.httpstatus AS api_status,
       ${API}.latencyms AS api_latency_ms,
       ${API}.detail AS api_detail,
       ${RATE_LIMIT}.facts.remaining AS rate_limit_remaining,
       verdict.summary AS summary
FROM results
WHERE vendor = ?
  AND day BETWEEN ? AND ?
  AND startedat >= ? AND startedat < ?
ORDER BY startedat`,
  },
  {
    name: 'availability-per-vendor-per-day',
    description: 'Healthy cycles / cycles per vendor and UTC day',
    parameters: ['first day (YYYY-MM-DD)', 'last day (YYYY-MM-DD)'],
    sql: `SELECT vendor,
       day,
       count(*) AS cycles,
       count_if(verdict.severity IS NULL) AS healthy_cycles,
       CAST(count_if(verdict.severity IS NULL) AS double) / count(*) AS availability
FROM results
WHERE day BETWEEN ? AND ?
GROUP BY vendor, day
ORDER BY vendor, day`,
  },
  {
    name: 'api-latency-percentiles-per-hour',
    description: 'API latency p50, p95 and p99 per vendor and UTC hour',
    parameters: ['first day (YYYY-MM-DD)', 'last day (YYYY-MM-DD)'],
    sql: `SELECT vendor,
       day,
       hour,
       count(*) AS cycles,
       approx_percentile(${API}.latencyms, 0.5) AS p50_ms,
       approx_percentile(${API}.latencyms, 0.95) AS p95_ms,
       approx_percentile(${API}.latencyms, 0.99) AS p99_ms
FROM results
WHERE day BETWEEN ? AND ?
GROUP BY vendor, day, hour
ORDER BY vendor, day, hour`,
  },
  {
    name: 'rate-limit-pressure',
    description: '429 answers and the lowest remaining rate limit per vendor and UTC day',
    parameters: ['first day (YYYY-MM-DD)', 'last day (YYYY-MM-DD)'],
    sql: `WITH cycles AS (
  SELECT vendor, day, ${API} AS api, ${RATE_LIMIT} AS rate_limit
  FROM results
  WHERE day BETWEEN ? AND ?
)
SELECT vendor,
       day,
       count(*) AS cycles,
       count_if(api.httpstatus = 429) AS http_429,
       count_if(rate_limit.outcome IN ('warn', 'fail')) AS pressured_cycles,
       min(100 * rate_limit.facts.remaining / nullif(rate_limit.facts."limit", 0)) AS min_remaining_percent
FROM cycles
GROUP BY vendor, day
HAVING count_if(rate_limit.outcome IN ('warn', 'fail')) > 0
ORDER BY http_429 DESC, pressured_cycles DESC, vendor, day`,
  },
  {
    name: 'causes-by-count',
    description: 'Failing cycles per vendor, cause, side and severity, most frequent first',
    parameters: ['first day (YYYY-MM-DD)', 'last day (YYYY-MM-DD)'],
    sql: `SELECT vendor,
       verdict.cause AS cause,
       verdict.side AS side,
       verdict.severity AS severity,
       count(*) AS cycles,
       min(startedat) AS first_seen,
       max(startedat) AS last_seen
FROM results
WHERE day BETWEEN ? AND ?
  AND verdict.severity IS NOT NULL
GROUP BY vendor, verdict.cause, verdict.side, verdict.severity
ORDER BY cycles DESC, vendor, cause`,
  },
];
