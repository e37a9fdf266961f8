// Reading time from the text a reader actually reads: code, JSX tags, link targets and Markdown
// punctuation are not words.
export const WORDS_PER_MINUTE = 230;

export function plainTextOfMdx(body: string): string {
  return body
    .replace(/^---\n[\s\S]*?\n---\n/, '')
    .replace(/^\s*(import|export)\s.*$/gm, '')
    .replace(/<[A-Za-z][^>]*\/>/g, ' ')
    .replace(/<\/?[A-Za-z][^>]*>/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[#>*_`~|-]+/g, ' ');
}

export function countWords(text: string): number {
  return text.match(/[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu)?.length ?? 0;
}

export function readingSeconds(body: string, wordsPerMinute = WORDS_PER_MINUTE): number {
  return Math.round((countWords(plainTextOfMdx(body)) / wordsPerMinute) * 60);
}
