import { describe, expect, it } from 'vitest';
import { checkEndpointUrl, formatEndpointUrl, isTemplated } from './endpoint-url.js';

describe('endpoint-url', () => {
  it('accepts plain URLs, %% and whitelisted keys', () => {
    for (const url of [
      'http://h:5000/v3',
      'http://h/$(project_id)s',
      'http://h/%(tenant_id)s/x',
      'http://h/100%%',
    ]) {
      expect(() => checkEndpointUrl(url)).not.toThrow();
    }
  });

  it('rejects unknown keys, unclosed keys and stray percent signs', () => {
    for (const url of [
      'http://h/$(secret)s',
      'http://h/$(project_id',
      'http://h/%41',
      'http://h/$(project_id)d',
    ]) {
      expect(() => checkEndpointUrl(url)).toThrow(`Cannot create an endpoint with an invalid URL: ${url}.`);
    }
  });

  it('fills templates and reports keys without a value', () => {
    expect(formatEndpointUrl('http://h/$(project_id)s/%%', { project_id: 'p1' })).toBe('http://h/p1/%');
    expect(formatEndpointUrl('http://h/$(project_id)s', { user_id: 'u' })).toBeUndefined();
    expect(isTemplated('http://h/v3')).toBe(false);
    expect(isTemplated('http://h/$(user_id)s')).toBe(true);
  });
});
