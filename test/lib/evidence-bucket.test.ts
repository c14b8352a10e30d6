import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthesizeOnce } from './synthesized.ts';

const synth = synthesizeOnce();

const bucketPolicyDenyingPlainHttp = {
  PolicyDocument: {
    Statement: Match.arrayWith([
      Match.objectLike({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    ]),
  },
};

describe('EvidenceBucket', () => {
  it('encrypts, blocks public access, keeps versions and retains both buckets on stack deletion', () => {
    const buckets = synth.template.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets)).toHaveLength(2);
    for (const bucket of Object.values(buckets)) {
      expect(bucket).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
            ],
          },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
        },
      });
    }
    synth.template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
    });
  });

  it('refuses plain-HTTP requests on both buckets', () => {
    synth.template.resourcePropertiesCountIs('AWS::S3::BucketPolicy', bucketPolicyDenyingPlainHttp, 2);
  });

  it('expires results after the configured retention, query results after 7 days, old versions after 30 days, and stale uploads', () => {
    synth.template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: [
          { Id: 'expire-results', Prefix: 'results/', ExpirationInDays: 90, Status: 'Enabled' },
          {
            Id: 'expire-query-results',
            Prefix: 'athena-results/',
            ExpirationInDays: 7,
            NoncurrentVersionExpiration: { NoncurrentDays: 1 },
            Status: 'Enabled',
          },
          {
            Id: 'expire-old-versions',
            NoncurrentVersionExpiration: { NoncurrentDays: 30 },
            ExpiredObjectDeleteMarker: true,
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            Status: 'Enabled',
          },
        ],
      },
    });
  });

  it('writes server access logs to the separate log bucket', () => {
    const [logBucketId] = Object.keys(
      synth.template.findResources('AWS::S3::Bucket', {
        Properties: { VersioningConfiguration: Match.absent() },
      }),
    );
    synth.template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: logBucketId } },
    });
  });
});
