import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { checkEmail } from './email-address.ts';
import { isValidTimeZone } from './time.ts';

/**
 * The languages Drumbeat has reader text for (src/i18n/text.ts has one table each). A site picks
 * its own among them in content/site.yaml; adding one here is a type error until it is translated.
 */
export const LANGUAGES = ['en', 'it'] as const;
export type Lang = (typeof LANGUAGES)[number];

const perLanguage = z.record(z.string(), z.string().min(1));

export const siteConfigSchema = z
  .object({
    title: z.string().min(1),
    author: z.object({
      name: z.string().min(1),
      bio: perLanguage.default({}),
      /**
       * A square JPEG or PNG under content/ (e.g. author-photo.jpg): the byline, the author page and
       * the share images show it. Small (AUTHOR_PHOTO_MAX_BYTES): it is sent as it is (034).
       */
      photo: z
        .string()
        .trim()
        .regex(/\.(jpe?g|png)$/i, 'must be a .jpg, .jpeg or .png file under content/, e.g. photo: author-photo.jpg')
        .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), 'must be a path inside content/, e.g. photo: author-photo.jpg')
        .optional(),
      /** the line before the name at the end of each Note, e.g. "See you on Monday," */
      signature: perLanguage.default({}),
    }),
    tagline: perLanguage.default({}),
    languages: z.array(z.enum(LANGUAGES, { error: `must be among the languages Drumbeat speaks: ${LANGUAGES.join(', ')}` })).min(1),
    defaultLanguage: z.enum(LANGUAGES),
    timeZone: z.string().refine(isValidTimeZone, 'not a known IANA time zone'),
    newsletter: z
      .object({
        schedule: z
          .object({
            weekday: z.number().int().min(0).max(6).default(1),
            time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM').default('07:00'),
          })
          .default({ weekday: 1, time: '07:00' }),
        /** the From name when EMAIL_FROM gives only an address (a display name in EMAIL_FROM wins) */
        senderName: z.string().trim().min(1).refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'must be one line of text').optional(),
        /** where replies go (Reply-To of every email); default: EMAIL_FROM's address */
        replyTo: z
          .string()
          .transform((v, ctx) => {
            const checked = checkEmail(v);
            if (checked.ok) return checked.email;
            ctx.addIssue({ code: 'custom', message: `${checked.message}, e.g. replyTo: giulia@example.com` });
            return z.NEVER;
          })
          .optional(),
        /** a free download delivered after confirming (e.g. a book's first chapter), a file under content/ */
        leadMagnet: z.object({ file: z.string().min(1), title: perLanguage }).optional(),
        /** Resend requests per second for the weekly send (the account's rate limit) */
        requestsPerSecond: z.number().positive().max(100).default(2),
      })
      .default({ schedule: { weekday: 1, time: '07:00' }, requestsPerSecond: 2 }),
  })
  .refine((s) => s.languages.includes(s.defaultLanguage), {
    message: 'defaultLanguage must be one of languages',
    path: ['defaultLanguage'],
  });

export type SiteConfig = z.infer<typeof siteConfigSchema>;

/** A byline photo heavier than this is refused by the build: it is shown on every page. */
export const AUTHOR_PHOTO_MAX_BYTES = 200 * 1024;

export function parseSiteConfig(text: string, file = 'content/site.yaml'): SiteConfig {
  const result = siteConfigSchema.safeParse(parseYaml(text));
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data;
}

export function loadSiteConfig(contentDir: string): SiteConfig {
  const file = path.join(contentDir, 'site.yaml');
  return parseSiteConfig(readFileSync(file, 'utf8'), file);
}
