import { and, eq } from 'drizzle-orm';
import { nowMs } from '../core/clock.ts';
import { getDb, serializeWrites } from '../core/db/client.server.ts';
import { lessonProgress } from '../core/db/schema.ts';

// Which lessons a buyer marked done, by lesson number (the same lesson in every language).

export async function doneLessons(email: string, productId: string) {
  return getDb().select({ lesson: lessonProgress.lesson, doneAt: lessonProgress.doneAt }).from(lessonProgress).where(and(eq(lessonProgress.email, email), eq(lessonProgress.productId, productId)));
}

/** Marks a lesson done or not done; the caller has checked access and that the lesson is open. */
export async function setLessonDone(email: string, productId: string, lesson: number, done: boolean): Promise<void> {
  const db = getDb();
  await serializeWrites(async () => {
    if (done) await db.insert(lessonProgress).values({ email, productId, lesson, doneAt: nowMs() }).onConflictDoNothing();
    else await db.delete(lessonProgress).where(and(eq(lessonProgress.email, email), eq(lessonProgress.productId, productId), eq(lessonProgress.lesson, lesson)));
  });
}
