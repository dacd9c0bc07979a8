/**
 * Where the login page may send someone afterwards: a path of this site's staff area, nothing else. Anything
 * that could leave the site — `//evil.example`, `/\\evil.example`, `https://…`, an encoded slash or a control
 * character — falls back to the staff home (no open redirect).
 */
export function safeNext(next: string | undefined): string {
  const fallback = '/staff/';
  if (!next || next.length > 500) return fallback;
  if (!/^\/staff\/[A-Za-z0-9\-._~/?=&]*$/.test(next)) return fallback;
  if (next.includes('//') || next.includes('/..') || next.startsWith('/staff/login')) return fallback;
  return next;
}

export function loginRedirect(url: string): string {
  return `/staff/login?next=${encodeURIComponent(safeNext(url))}`;
}

/** A staff link that keeps the page language (staff pages live outside `/{lang}/`). */
export function staffHref(locale: string, path: string): string {
  // A path that already names its language (e.g. a `next` after login) keeps it: `lang` twice would be refused.
  if (/[?&]lang=/.test(path)) return path;
  return `${path}${path.includes('?') ? '&' : '?'}lang=${locale}`;
}
