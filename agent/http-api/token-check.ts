// Bearer-token comparison in constant time: both sides are hashed first so
// neither the length nor the content of the expected token leaks through timing.
import { createHash, timingSafeEqual } from 'node:crypto';

export type TokenVerdict = 'ok' | 'missing' | 'wrong' | 'not-configured';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function createTokenCheck(token: string | undefined): (authorization: string | undefined) => TokenVerdict {
  const expected = token === undefined ? undefined : digest(token);
  return (authorization) => {
    if (expected === undefined) return 'not-configured';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (match === null) return 'missing';
    return timingSafeEqual(digest(match[1] ?? ''), expected) ? 'ok' : 'wrong';
  };
}
