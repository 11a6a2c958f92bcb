import { describe, expect, it } from 'vitest';
import { nestingExceeds } from './json-body.js';

describe('nestingExceeds', () => {
  it('counts arrays and objects together', () => {
    expect(nestingExceeds('[{"a":[1]}]', 3)).toBe(false);
    expect(nestingExceeds('[{"a":[[1]]}]', 3)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(nestingExceeds(JSON.stringify({ a: '[[[[{{{{' }), 1)).toBe(false);
    expect(nestingExceeds(JSON.stringify({ a: '\\"[[[[' }), 1)).toBe(false);
    expect(nestingExceeds(JSON.stringify(['"', [[['x']]]]), 3)).toBe(true);
  });

  it('stops at the first level over the limit', () => {
    expect(nestingExceeds('['.repeat(200_000), 32)).toBe(true);
  });
});
