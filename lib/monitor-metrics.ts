import { Metric, type MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import { type MetricName, SERVICE } from '../lambda/handlers/telemetry.ts';

/**
 * A handler metric summed over every vendor (lambda/handlers/telemetry.ts says which emits what):
 * a fixed number of custom metrics per deployment, however many vendors it probes.
 */
export function monitorMetric(metricName: MetricName, options: MetricOptions = {}): Metric {
  return new Metric({
    namespace: SERVICE,
    metricName,
    // Powertools' only dimension: the service name, no vendor.
    dimensionsMap: { service: SERVICE },
    ...options,
  });
}
