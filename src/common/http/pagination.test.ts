import { describe, expect, it } from 'vitest';
import { nextPageLinks, parsePageRequest } from './pagination.js';

describe('pagination', () => {
  it('caps limit and reads marker', () => {
    expect(parsePageRequest({ limit: '5000', marker: 'abc' }, 1000)).toEqual({ limit: 1000, marker: 'abc' });
    expect(parsePageRequest({}, 1000)).toEqual({ limit: 1000 });
  });
  it('rejects a negative or non-numeric limit', () => {
    expect(() => parsePageRequest({ limit: '-1' }, 10)).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => parsePageRequest({ limit: 'ten' }, 10)).toThrow(expect.objectContaining({ status: 400 }));
  });
  it('links to the next page only when the page is full', () => {
    const items = [{ id: 'a' }, { id: 'b' }];
    expect(nextPageLinks('http://h/servers', { name: 'x', marker: 'z' }, { limit: 2 }, items)).toEqual([
      { rel: 'next', href: 'http://h/servers?name=x&limit=2&marker=b' },
    ]);
    expect(nextPageLinks('http://h/servers', {}, { limit: 3 }, items)).toEqual([]);
  });
});
