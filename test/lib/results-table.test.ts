import { describe, expect, it } from 'vitest';
import { logicalIdOf, synthesizeOnce } from './synthesized.ts';

const synth = synthesizeOnce();

const tableInput = () => {
  const [table] = Object.values(synth.template.findResources('AWS::Glue::Table'));
  return table!.Properties.TableInput;
};

describe('ResultsTable', () => {
  it('puts a results table in the stack’s database', () => {
    const databaseId = logicalIdOf(synth.template, 'AWS::Glue::Database', 'Results');

    synth.template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'vendorwatch' } });
    synth.template.hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: { Ref: databaseId },
      TableInput: { Name: 'results', TableType: 'EXTERNAL_TABLE' },
    });
  });

  it('projects vendor, day and hour partitions from the key layout, over the retention window', () => {
    const bucket = logicalIdOf(synth.template, 'AWS::S3::Bucket', 'EvidenceBucket');

    expect(tableInput().PartitionKeys.map((key: { Name: string }) => key.Name)).toEqual([
      'vendor',
      'day',
      'hour',
    ]);
    expect(tableInput().Parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.vendor.values': 'miro,ideogram,billing',
      'projection.day.range': 'NOW-90DAYS,NOW',
      'projection.hour.digits': '2',
      'storage.location.template': {
        'Fn::Join': [
          '',
          ['s3://', { Ref: bucket }, `/results/vendor=\${vendor}/date=\${day}/hour=\${hour}/`],
        ],
      },
    });
  });

  it('reads the stored JSON with the verdict and checks as columns', () => {
    expect(tableInput().StorageDescriptor.SerdeInfo.SerializationLibrary).toBe(
      'org.openx.data.jsonserde.JsonSerDe',
    );
    expect(tableInput().StorageDescriptor.Columns.map((column: { Name: string }) => column.Name)).toEqual([
      'startedat',
      'durationms',
      'verdict',
      'checks',
    ]);
  });
});
