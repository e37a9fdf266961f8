import { zonedTimeToEpoch } from '../core/time.ts';
import { parsePublishDate } from './frontmatter.ts';

/** The instant a Note's `date` names: a wall time in the site's zone, or a moment with its own offset. */
export function publishInstant(date: string, timeZone: string): number {
  const parsed = parsePublishDate(date);
  if (!parsed) throw new Error(`not a publication date: ${date}`);
  if ('epochMs' in parsed) return parsed.epochMs;
  const m = parsed.wall;
  return zonedTimeToEpoch(timeZone, m.year, m.month, m.day, m.hour, m.minute, m.second);
}
