import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { certify, certificateById, directory, parseListing, revokeCertificate, setListing } from '../../src/lib/access/certificates.server.ts';
import { setLessonDone } from '../../src/lib/access/progress.server.ts';
import { eraseAddress } from '../../src/lib/admin/erasure.server.ts';
import { resetClock, setNow } from '../../src/lib/core/clock.ts';
import { getDb } from '../../src/lib/core/db/client.server.ts';
import { lessonProgress, purchases } from '../../src/lib/core/db/schema.ts';
import { useTempDatabase } from '../helpers/db.ts';

// Certificates and the directory against a real SQLite file: issued only to participants, listed
// only by their own opt-in, gone from the directory when revoked, and erased with the address.

const NOW = Date.parse('2027-06-30T10:00:00Z');

beforeEach(async () => {
  await useTempDatabase();
  setNow(NOW);
  await getDb().insert(purchases).values({ email: 'ada@example.com', productId: 'okr-coach', cohortId: 'spring-2027', lang: 'it', source: 'grant', status: 'granted', purchasedAt: NOW, accessUntil: NOW + 1e9, createdAt: NOW, updatedAt: NOW });
});
afterEach(() => resetClock());

describe('certificates', () => {
  it('ids are 128 random bits, one valid certificate at a time', async () => {
    const a = await certify({ email: 'ada@example.com', productId: 'okr-coach', name: 'Ada' });
    expect(a).toMatchObject({ created: true, certificate: { cohortId: 'spring-2027', lang: 'it', name: 'Ada' } });
    expect(a.certificate.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(a.certificate.id, 'base64url')).toHaveLength(16);
    expect((await certify({ email: 'ada@example.com', productId: 'okr-coach' })).created).toBe(false);
    await revokeCertificate({ email: 'ada@example.com', productId: 'okr-coach' });
    const b = await certify({ email: 'ada@example.com', productId: 'okr-coach', name: 'Ada' });
    expect(b.certificate.id).not.toBe(a.certificate.id);
    expect((await certificateById(a.certificate.id))?.revokedAt).toBe(NOW);
  });

  it('the directory shows only coaches who opted in, never a revoked certificate', async () => {
    const { certificate } = await certify({ email: 'ada@example.com', productId: 'okr-coach', name: 'Ada' });
    expect(await directory('en')).toEqual([]);
    const listing = parseListing({ name: 'Ada L.', city: 'Roma', url: 'https://ada.example' });
    expect(listing.ok).toBe(true);
    // Another buyer cannot list someone else's certificate.
    expect(await setListing('eve@example.com', certificate.id, listing.ok ? listing.listing : null)).toBe(false);
    expect(await setListing('ada@example.com', certificate.id, listing.ok ? listing.listing : null)).toBe(true);
    expect(await directory('it')).toEqual([{ name: 'Ada L.', city: 'Roma', url: 'https://ada.example/', programme: 'Certificazione OKR Coach' }]);
    await revokeCertificate({ email: 'ada@example.com', productId: 'okr-coach' });
    expect(await directory('en')).toEqual([]);
    expect(parseListing({ name: 'A', city: 'B', url: 'javascript:alert(1)' })).toEqual({ ok: false, error: 'directory.errorUrl' });
    expect(parseListing({ name: '<b>', city: 'B' })).toEqual({ ok: false, error: 'directory.errorName' });
    expect(parseListing({ name: 'A', city: '' })).toEqual({ ok: false, error: 'directory.errorCity' });
  });

  it('erasing the address removes its certificates and progress', async () => {
    const { certificate } = await certify({ email: 'ada@example.com', productId: 'okr-coach', name: 'Ada' });
    await setLessonDone('ada@example.com', 'okr-coach', 1, true);
    const report = await eraseAddress('ada@example.com', NOW);
    expect(report.removed).toMatchObject({ certificates: 1, lessonProgress: 1 });
    expect(await certificateById(certificate.id)).toBeUndefined();
    expect(await getDb().select().from(lessonProgress)).toEqual([]);
  });
});
