/**
 * CloudTrail records in, EventBridge events out: reading log files (streaming, plain or gzipped) and converting
 * records to the events EventBridge delivers for them. No AWS SDK imports. See docs/CLOUDTRAIL.md.
 */
export * from './convert';
export * from './read';
export * from './documents';
