import { describe, expect, it } from 'vitest';
import { classifyErrorAnswer, parseRetryAfter } from '../../src/providers/taxonomy';
import { ApplicationFailure } from '@temporalio/common';
import { toFailure } from '../../src/activities/failures';
import { redactUrlsIn } from '../../src/shared/redact';

describe('classifyErrorAnswer (contract §6)', () => {
  it.each([
    [400, 'InvalidParameter', 'RequestRejectedError', 'bad_input', false],
    [400, 'BadRequest.EmptyInput', 'RequestRejectedError', 'bad_input', false],
    [400, 'InvalidURL', 'RequestRejectedError', 'media', false],
    [400, 'DataInspectionFailed', 'RequestRejectedError', 'content_policy', false],
    [400, 'Arrearage', 'RequestRejectedError', 'quota_or_billing', false],
    [401, 'InvalidApiKey', 'RequestRejectedError', 'auth_or_region', false],
    [403, 'AccessDenied', 'RequestRejectedError', 'auth_or_region', false],
    [403, 'Model.AccessDenied', 'RequestRejectedError', 'auth_or_region', false],
    [403, 'AllocationQuota.FreeTierOnly', 'RequestRejectedError', 'quota_or_billing', false],
    [404, 'ModelNotFound', 'RequestRejectedError', 'model_not_in_region', false],
    [408, 'RequestTimeOut', 'TransientProviderError', 'transient', true],
    [413, 'BadRequest.TooLarge', 'RequestRejectedError', 'media', false],
    [415, 'BadRequest.UnsupportedFileFormat', 'RequestRejectedError', 'media', false],
    [400, 'BadRequest.InputDownloadFailed', 'RequestRejectedError', 'media', false],
    [429, 'Throttling', 'RateLimitedError', 'rate_limited', true],
    [429, 'Throttling.RateQuota', 'RateLimitedError', 'rate_limited', true],
    [429, 'LimitRequests', 'RateLimitedError', 'rate_limited', true],
    [429, 'Throttling.AllocationQuota', 'RequestRejectedError', 'quota_or_billing', false],
    [429, 'PrepaidBillOverdue', 'RequestRejectedError', 'quota_or_billing', false],
    [429, 'CommodityNotPurchased', 'RequestRejectedError', 'quota_or_billing', false],
    [500, 'InternalError', 'TransientProviderError', 'transient', true],
    [500, 'InternalError.Timeout', 'TransientProviderError', 'transient', true],
    [503, 'ModelUnavailable', 'TransientProviderError', 'transient', true],
    [502, undefined, 'TransientProviderError', 'transient', true],
  ] as const)('%i %s → %s (%s, retryable %s)', (status, code, name, cause, retryable) => {
    const err = classifyErrorAnswer(status, code, 'msg', { requestId: 'req-1' });
    expect(err.name).toBe(name);
    expect(err.failureCause).toBe(cause);
    expect(err.retryable).toBe(retryable);
    expect(err.details()).toMatchObject({ code, httpStatus: status, requestId: 'req-1' });
    expect(err.remedy.length).toBeGreaterThan(10);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-23T10:00:00Z');
  it.each([
    ['3', 3000],
    ['0', 0],
    ['Mon, 23 Nov 2026 10:00:05 GMT', 5000],
    ['Mon, 23 Nov 2026 09:59:00 GMT', 0],
    ['soon', undefined],
    [undefined, undefined],
  ])('%s → %s ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });
});

describe('failures that reach history', () => {
  it('carry no signed URL and no stack when a library throws', () => {
    const failure = toFailure(
      new TypeError(
        'fetch https://bucket.oss.example/out.mp4?Expires=1&Signature=abc%2F failed; see s3://b/k?X-Amz-Signature=zz',
      ),
    ) as ApplicationFailure;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe('TypeError');
    expect(failure.message).not.toMatch(/Signature=|abc|zz/);
    expect(failure.message).toContain('https://bucket.oss.example/out.mp4?<redacted>');
    expect(redactUrlsIn('no url here')).toBe('no url here');
  });
});
