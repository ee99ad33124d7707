// The README and the docs as a reader sees them: rendered by a Markdown renderer, every table is a table
// (a stray blank line inside one turns the rest into a paragraph of `|`), and every link to another file
// of the project, or to a heading, leads somewhere.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Lexer, type Token, type Tokens } from 'marked';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const markdown = (folder: string) => readdirSync(join(ROOT, folder)).filter((name) => name.endsWith('.md')).map((name) => join(folder, name));
const FILES = ['README.md', 'bench/README.md', ...markdown('docs'), ...markdown('docs/protocols')];

function walk(tokens: readonly Token[], visit: (token: Token) => void): void {
  for (const token of tokens) {
    visit(token);
    const children = (token as { tokens?: Token[] }).tokens;
    if (children) walk(children, visit);
    if (token.type === 'list') for (const item of (token as Tokens.List).items) walk(item.tokens, visit);
  }
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\- _]/gu, '').replace(/ /g, '-');
}

function parse(file: string): Token[] {
  return new Lexer({ gfm: true }).lex(readFileSync(join(ROOT, file), 'utf8'));
}

describe.each(FILES)('%s', (file) => {
  it('renders every table as a table: no paragraph starts with |', () => {
    const stray: string[] = [];
    walk(parse(file), (token) => { if (token.type === 'paragraph' && (token as Tokens.Paragraph).text.trimStart().startsWith('|')) stray.push((token as Tokens.Paragraph).text.slice(0, 80)); });
    expect(stray).toEqual([]);
  });

  it('links only to files that exist, and to headings that exist', () => {
    const headings = new Map<string, Set<string>>();
    const anchors = (target: string) => {
      if (!headings.has(target)) {
        const found = new Set<string>();
        walk(parse(target), (token) => { if (token.type === 'heading') found.add(anchorOf((token as Tokens.Heading).text.replace(/[`*]/g, ''))); });
        headings.set(target, found);
      }
      return headings.get(target)!;
    };
    const broken: string[] = [];
    walk(parse(file), (token) => {
      if (token.type !== 'link' && token.type !== 'image') return;
      const href = (token as Tokens.Link).href;
      if (/^[a-z]+:/i.test(href)) return;
      const [path, anchor] = href.split('#') as [string, string | undefined];
      const target = path === '' ? file : join(dirname(file), path);
      if (!existsSync(join(ROOT, target))) return void broken.push(href);
      if (anchor !== undefined && target.endsWith('.md') && !anchors(target).has(anchor)) broken.push(href);
    });
    expect(broken).toEqual([]);
  });
});

describe('README.md', () => {
  const text = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('is short enough to read, with a table of contents and the screenshot', () => {
    expect(text.split('\n').length).toBeLessThanOrEqual(250);
    expect(text).toMatch(/\*\*Contents\*\*/);
    expect(text).toContain('](docs/web-page.png)');
  });

  it('keeps the two commands it promises', () => {
    expect(text).toContain('npm install && npm start');
    expect(text).toContain('npm test');
  });
});

describe.each(FILES.filter((file) => file.startsWith('docs/') && !file.startsWith('docs/protocols/')).concat('bench/README.md'))('%s', (file) => {
  it('has its own contents', () => {
    expect(readFileSync(join(ROOT, file), 'utf8')).toMatch(/\*\*Contents\*\*/);
  });
});
