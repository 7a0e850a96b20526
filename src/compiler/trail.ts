/**
 * The optional CloudTrail trail: "AWS API Call via CloudTrail" events reach EventBridge only from an account with a
 * trail that is logging. One multi-Region trail (global service events included, log file validation on), its S3
 * bucket (SSE-S3, public access blocked, ACLs disabled, versioned, log files expired after `expirationInDays`, kept
 * when the stack is deleted) and the bucket policy CloudTrail needs, scoped to this trail (`aws:SourceArn`), plus a
 * deny of non-TLS access.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudtrail-trail.html
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
 */
import { ALL_DATA_RESOURCES, type TrailConfig } from '../catalog';
import { getAtt, policyDocument, ref, sub, type CfnOutput, type CfnResource } from './cfn';
import { TRAIL_LOGICAL_IDS } from './logical-ids';

/** Trail names: 3-128 characters. */
export const TRAIL_NAME_MAX_LENGTH = 128;

/** The trail's name: configured, else `<service>-<stage>`. */
export function trailName(config: TrailConfig, service: string, stage: string): string {
  return config.trailName ?? `${service}-${stage}`;
}

/**
 * The trail, its bucket and the bucket policy.
 * @example compileTrail({ expirationInDays: 365, readWriteType: 'All', dataEvents: { s3Objects: [], lambdaFunctions: [] }, insightSelectors: [] }, 'patchbay', 'dev')
 * // { resources: { PatchbayTrail: {...}, PatchbayTrailBucket: {...}, PatchbayTrailBucketPolicy: {...} }, outputs: {...} }
 */
export function compileTrail(config: TrailConfig, service: string, stage: string): { resources: Record<string, CfnResource>; outputs: Record<string, CfnOutput> } {
  const { trail, bucket, bucketPolicy } = TRAIL_LOGICAL_IDS;
  const name = trailName(config, service, stage);
  const trailArn = sub(`arn:\${AWS::Partition}:cloudtrail:\${AWS::Region}:\${AWS::AccountId}:trail/${name}`);
  const bucketArn = getAtt(bucket, 'Arn');
  const dataResources: { Type: string; Values: unknown[] }[] = [];
  const values = (list: string[], all: string): unknown[] => list.map((value) => (value === ALL_DATA_RESOURCES ? sub(all) : value));
  if (config.dataEvents.s3Objects.length) dataResources.push({ Type: 'AWS::S3::Object', Values: values(config.dataEvents.s3Objects, 'arn:${AWS::Partition}:s3') });
  if (config.dataEvents.lambdaFunctions.length) {
    dataResources.push({ Type: 'AWS::Lambda::Function', Values: values(config.dataEvents.lambdaFunctions, 'arn:${AWS::Partition}:lambda') });
  }

  const resources: Record<string, CfnResource> = {
    [bucket]: {
      Type: 'AWS::S3::Bucket',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: {
          Rules: [
            {
              Id: 'expire-trail-logs',
              Status: 'Enabled',
              ExpirationInDays: config.expirationInDays,
              NoncurrentVersionExpiration: { NoncurrentDays: config.expirationInDays },
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
            },
          ],
        },
      },
    },
    [bucketPolicy]: {
      Type: 'AWS::S3::BucketPolicy',
      Properties: {
        Bucket: ref(bucket),
        PolicyDocument: policyDocument([
          {
            Sid: 'CloudTrailAclCheck',
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:GetBucketAcl',
            Resource: bucketArn,
            Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
          },
          {
            Sid: 'CloudTrailWrite',
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: sub(`\${${bucket}.Arn}/AWSLogs/\${AWS::AccountId}/*`),
            Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn } },
          },
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [bucketArn, sub(`\${${bucket}.Arn}/*`)],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ]),
      },
    },
    [trail]: {
      Type: 'AWS::CloudTrail::Trail',
      DependsOn: bucketPolicy,
      Properties: {
        TrailName: name,
        S3BucketName: ref(bucket),
        IsLogging: true,
        IsMultiRegionTrail: true,
        IncludeGlobalServiceEvents: true,
        EnableLogFileValidation: true,
        EventSelectors: [{ ReadWriteType: config.readWriteType, IncludeManagementEvents: true, ...(dataResources.length ? { DataResources: dataResources } : {}) }],
        ...(config.insightSelectors.length ? { InsightSelectors: config.insightSelectors.map((type) => ({ InsightType: type })) } : {}),
      },
    },
  };
  return {
    resources,
    outputs: {
      [`${trail}Arn`]: { Description: 'ARN of the patchbay CloudTrail trail', Value: getAtt(trail, 'Arn') },
      [`${bucket}Name`]: { Description: 'Bucket of the patchbay CloudTrail trail', Value: ref(bucket) },
    },
  };
}
