import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { AUTHOR_PHOTO_MAX_BYTES, type SiteConfig } from './site.ts';

// The author's photo (content/site.yaml author.photo) is copied by the build into the public
// folder under a name that changes with its bytes, so browsers may keep it for a year and a new
// photo is seen at once. The pages work the same name out from the same file (034).

export interface AuthorPhoto {
  /** the file under content/ */
  file: string;
  bytes: Buffer;
  type: 'image/jpeg' | 'image/png';
  /** where the build puts it in dist/client/, and its URL path: "/_author/<hash>.jpg" */
  publicPath: string;
}

const JPEG = [0xff, 0xd8, 0xff];
const PNG = [0x89, 0x50, 0x4e, 0x47];
const startsWith = (bytes: Buffer, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/** What is wrong with the configured photo, as one "file: problem" line; undefined when fine or none. */
export function authorPhotoProblem(contentDir: string, site: SiteConfig): string | undefined {
  if (!site.author.photo) return undefined;
  const file = path.join(contentDir, site.author.photo);
  const shown = path.relative(process.cwd(), file) || file;
  if (!existsSync(file) || !statSync(file).isFile()) return `${path.join(contentDir, 'site.yaml')}: author.photo: ${shown} does not exist`;
  const size = statSync(file).size;
  if (size > AUTHOR_PHOTO_MAX_BYTES) return `${shown}: the author's photo weighs ${Math.round(size / 1024)} KB; at most ${AUTHOR_PHOTO_MAX_BYTES / 1024} KB (a square of 256 px is plenty)`;
  const bytes = readFileSync(file);
  if (!startsWith(bytes, JPEG) && !startsWith(bytes, PNG)) return `${shown}: the author's photo is not a JPEG or PNG file`;
  return undefined;
}

const memo = new Map<string, AuthorPhoto | undefined>();

/** The photo, or undefined when site.yaml names none. Throws on a photo authorPhotoProblem refuses. */
export function authorPhoto(contentDir: string, site: SiteConfig): AuthorPhoto | undefined {
  const key = `${contentDir}\u0000${site.author.photo ?? ''}`;
  if (memo.has(key)) return memo.get(key);
  let photo: AuthorPhoto | undefined;
  if (site.author.photo) {
    const problem = authorPhotoProblem(contentDir, site);
    if (problem) throw new Error(problem);
    const file = path.join(contentDir, site.author.photo);
    const bytes = readFileSync(file);
    const png = startsWith(bytes, PNG);
    const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
    photo = { file, bytes, type: png ? 'image/png' : 'image/jpeg', publicPath: `/_author/${hash}.${png ? 'png' : 'jpg'}` };
  }
  memo.set(key, photo);
  return photo;
}
