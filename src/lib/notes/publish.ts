import { zonedTimeToEpoch } from '../core/time.ts';
import { parsePublishMoment } from './frontmatter.ts';

/** The instant a Note's `date` (site time zone wall time) names. */
export function publishInstant(date: string, timeZone: string): number {
  const m = parsePublishMoment(date);
  if (!m) throw new Error(`not a publication date: ${date}`);
  return zonedTimeToEpoch(timeZone, m.year, m.month, m.day, m.hour, m.minute, m.second);
}
