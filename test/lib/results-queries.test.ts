import { describe, expect, it } from 'vitest';
import { POSTMORTEM_QUERIES } from '../../lambda/analysis/postmortem-queries.ts';
import { logicalIdOf, synthesizeOnce } from './synthesized.ts';

const synth = synthesizeOnce();

const workGroup = () => {
  const [resource] = Object.values(synth.template.findResources('AWS::Athena::WorkGroup'));
  return resource!.Properties;
};

describe('ResultsQueries', () => {
  it('enforces a workgroup that writes encrypted results to the bucket’s athena-results/ and caps each scan', () => {
    const bucket = logicalIdOf(synth.template, 'AWS::S3::Bucket', 'EvidenceBucket');

    expect(Object.keys(synth.template.findResources('AWS::Athena::WorkGroup'))).toHaveLength(1);
    expect(workGroup()).toEqual({
      Name: 'vendorwatch',
      Description: 'vendorwatch: queries over vendorwatch.results',
      State: 'ENABLED',
      RecursiveDeleteOption: true,
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        ResultConfiguration: {
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: bucket }, '/athena-results/']] },
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
          ExpectedBucketOwner: { Ref: 'AWS::AccountId' },
        },
      },
      Tags: [{ Key: 'app', Value: 'vendorwatch' }],
    });
  });

  it('keeps query results for 7 days only', () => {
    const [evidence] = Object.values(
      synth.template.findResources('AWS::S3::Bucket', {
        Properties: { VersioningConfiguration: { Status: 'Enabled' } },
      }),
    );

    expect(evidence!.Properties.LifecycleConfiguration.Rules).toContainEqual({
      Id: 'expire-query-results',
      Prefix: 'athena-results/',
      ExpirationInDays: 7,
      NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      Status: 'Enabled',
    });
  });

  it('saves each postmortem query verbatim in the workgroup, against the results database', () => {
    const named = Object.values(synth.template.findResources('AWS::Athena::NamedQuery')).map(
      (resource) => resource.Properties,
    );
    const workGroupId = logicalIdOf(synth.template, 'AWS::Athena::WorkGroup', 'Queries');
    const databaseId = logicalIdOf(synth.template, 'AWS::Glue::Database', 'Results');

    expect(named.map((query) => query.Name)).toEqual([
      'incident-timeline',
      'availability-per-vendor-per-day',
      'api-latency-percentiles-per-hour',
      'rate-limit-pressure',
      'causes-by-count',
    ]);
    for (const query of POSTMORTEM_QUERIES) {
      expect(named.find((saved) => saved.Name === query.name)).toEqual({
        Name: query.name,
        Description: `${query.description}. Parameters (?), in order, strings in single quotes: ${query.parameters.join('; ')}`,
        WorkGroup: { Ref: workGroupId },
        Database: { Ref: databaseId },
        QueryString: query.sql,
      });
    }
  });

  it('saves SQL Athena can bind: one ? per declared parameter, only in WHERE conditions', () => {
    for (const query of POSTMORTEM_QUERIES) {
      const lines = query.sql.split('\n').filter((line) => line.includes('?'));

      expect(query.sql.split('?')).toHaveLength(query.parameters.length + 1);
      expect(query.sql).not.toMatch(/'\?'|"\?"/);
      for (const line of lines) expect(line.trim()).toMatch(/^(WHERE|AND) /);
      expect(query.sql).toMatch(/\bFROM results\b/);
    }
  });

  it('adds no IAM for Athena or Glue: people query with their own credentials', () => {
    const policies = JSON.stringify([
      synth.template.findResources('AWS::IAM::Policy'),
      synth.template.findResources('AWS::IAM::Role'),
      synth.template.findResources('AWS::IAM::ManagedPolicy'),
    ]);

    expect(policies).not.toMatch(/"(athena|glue):/);
  });

  it('outputs the workgroup and the table', () => {
    const outputs = synth.template.toJSON().Outputs;

    expect(outputs.AthenaWorkGroup.Value).toEqual({
      Ref: logicalIdOf(synth.template, 'AWS::Athena::WorkGroup', 'Queries'),
    });
    expect(outputs.ResultsTable.Value).toBe('vendorwatch.results');
  });
});
