import path from 'node:path';
import { getEnv } from './env.server.ts';
import { authorPhoto, type AuthorPhoto } from './author-photo.server.ts';
import { loadSiteConfig, type SiteConfig } from './site.ts';

let cached: SiteConfig | undefined;

/** content/site.yaml for code that runs outside Astro's pages too (CLI, worker, email). */
export function getSite(): SiteConfig {
  return (cached ??= loadSiteConfig(contentDir()));
}

export function contentDir(): string {
  return path.resolve(getEnv().DRUMBEAT_CONTENT_DIR);
}

export function resetSiteCache(): void {
  cached = undefined;
}

/** The author's photo of content/site.yaml, at the public path the build copied it to. */
export function getAuthorPhoto(): AuthorPhoto | undefined {
  return authorPhoto(contentDir(), getSite());
}
