import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { lessonFrontmatterSchema } from './lib/catalog/lessons.ts';
import { noteFrontmatterSchema } from './lib/notes/frontmatter.ts';

const contentDir = process.env.DRUMBEAT_CONTENT_DIR ?? './content';

const notes = defineCollection({
  loader: glob({ pattern: '*/*.mdx', base: `${contentDir}/notes` }),
  schema: noteFrontmatterSchema,
});

// Lessons of a course product: content/courses/<product-id>/<lang>/<NN>-<slug>.mdx, read only with access.
const courses = defineCollection({
  loader: glob({ pattern: '*/*/*.mdx', base: `${contentDir}/courses` }),
  schema: lessonFrontmatterSchema,
});

export const collections = { notes, courses };
