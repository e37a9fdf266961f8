import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { noteFrontmatterSchema } from './lib/notes/frontmatter.ts';

const contentDir = process.env.DRUMBEAT_CONTENT_DIR ?? './content';

const notes = defineCollection({
  loader: glob({ pattern: '*/*.mdx', base: `${contentDir}/notes` }),
  schema: noteFrontmatterSchema,
});

export const collections = { notes };
