import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The "encrypted" password of spec §11.4: MD5 of the UTF-8 text as 32 uppercase hex
 * characters; "" (no password) stays "". Clients send server, group and user passwords in
 * this form, so it is also what the server stores and compares.
 */
export function hashPassword(plain: string): string {
  return plain === '' ? '' : createHash('md5').update(plain, 'utf8').digest('hex').toUpperCase();
}

/** Whether `given` (as sent by a client) opens something protected by `stored`; "" protects nothing. */
export function passwordMatches(stored: string, given: string): boolean {
  if (stored === '') return true;
  const a = Buffer.from(stored, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
