import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import * as hbs from 'hbs';
import type { HelperOptions } from 'handlebars';
import { Language, translate } from './i18n';

/*
 * Server-side rendering with Handlebars (the `hbs` package's engine), on a private instance so
 * nothing else in the process can register helpers into it. Templates are read once, at start,
 * from `views/` next to this file in the sources and next to main.js in the webpack build (the
 * Nest CLI copies them there, see nest-cli.json).
 */

type Template = (context: unknown) => string;

/** Where the templates are: beside this file (ts-node, jest), or under dist/apps/axis/dashboard. */
export function viewsDirectory(): string {
  const candidates = [join(__dirname, 'views'), join(__dirname, 'dashboard', 'views')];
  const found = candidates.find((dir) => existsSync(join(dir, 'layout.hbs')));
  if (!found) throw new Error(`dashboard templates not found (looked in ${candidates.join(', ')})`);
  return found;
}

export interface PageContext {
  lang: Language;
  title: string;
  /** Which navigation entry is highlighted. */
  nav?: string;
  operator?: string;
  csrf?: string;
  /** The current URL (path and query), for the language switch to come back to. */
  here: string;
  /** Printable page: no navigation. */
  print?: boolean;
  [key: string]: unknown;
}

const VIETNAM_OFFSET_MS = 7 * 3_600_000;

export function vietnamTime(value: unknown, withSeconds = false): string {
  if (value === undefined || value === null || value === '') return '';
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) return '';
  const text = new Date(date.getTime() + VIETNAM_OFFSET_MS).toISOString().replace('T', ' ');
  return text.slice(0, withSeconds ? 19 : 16);
}

@Injectable()
export class DashboardViews {
  private readonly engine = hbs.create().handlebars;
  private readonly templates = new Map<string, Template>();
  readonly assets = new Map<string, { type: string; body: string }>();

  constructor() {
    const dir = viewsDirectory();
    const h = this.engine;
    h.registerHelper('t', function (this: unknown, key: string, options: HelperOptions) {
      const root = options.data?.root as PageContext;
      return translate(root.lang, key, options.hash as Record<string, unknown>);
    });
    h.registerHelper('time', (value: unknown) => vietnamTime(value));
    h.registerHelper('timeSeconds', (value: unknown) => vietnamTime(value, true));
    h.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    h.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));
    h.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
    h.registerHelper('seconds', (value: unknown) =>
      typeof value === 'number' ? (value < 10 ? value.toFixed(2) : value.toFixed(1)) : '–',
    );
    h.registerHelper('join', (list: unknown) => (Array.isArray(list) ? list.join(', ') : ''));
    h.registerHelper('isoDay', (value: unknown) =>
      value instanceof Date ? vietnamTime(value).slice(0, 10) : String(value ?? ''),
    );
    for (const file of readdirSync(join(dir, 'partials'))) {
      if (file.endsWith('.hbs')) {
        h.registerPartial(file.slice(0, -4), readFileSync(join(dir, 'partials', file), 'utf8'));
      }
    }
    for (const file of readdirSync(dir)) {
      if (file.endsWith('.hbs')) {
        this.templates.set(
          file.slice(0, -4),
          h.compile(readFileSync(join(dir, file), 'utf8'), { strict: false }),
        );
      }
    }
    for (const [file, type] of [
      ['dashboard.css', 'text/css; charset=utf-8'],
      ['dashboard.js', 'text/javascript; charset=utf-8'],
    ]) {
      this.assets.set(file, { type, body: readFileSync(join(dir, 'assets', file), 'utf8') });
    }
  }

  /** The page's template inside the layout. */
  render(view: string, context: PageContext): string {
    const page = this.template(view)(context);
    return this.template('layout')({ ...context, body: page });
  }

  private template(name: string): Template {
    const template = this.templates.get(name);
    if (!template) throw new Error(`no dashboard template ${name}`);
    return template;
  }
}
