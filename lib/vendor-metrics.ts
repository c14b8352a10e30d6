import { Metric, type MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';

/**
 * The metrics the handlers emit per vendor through Powertools (embedded metric format):
 * the probe emits ProbeCompleted, ApiLatency and Finding, the state function OpenIncidents.
 */
export type VendorMetricName = 'ProbeCompleted' | 'ApiLatency' | 'Finding' | 'OpenIncidents';

/** The handlers' Powertools namespace and service name (`lambda/handlers/runtime.ts`). */
const SERVICE = 'vendorwatch';

/** One vendor's series of a handler metric. */
export function vendorMetric(
  metricName: VendorMetricName,
  vendorId: string,
  options: MetricOptions = {},
): Metric {
  return new Metric({
    namespace: SERVICE,
    metricName,
    dimensionsMap: { service: SERVICE, vendor: vendorId },
    ...options,
  });
}
