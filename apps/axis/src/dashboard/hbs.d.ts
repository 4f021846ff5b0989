// `hbs` ships no types; the dashboard only uses `create()` to get a private Handlebars instance.
declare module 'hbs' {
  import type * as Handlebars from 'handlebars';

  export function create(): { handlebars: typeof Handlebars };
}
